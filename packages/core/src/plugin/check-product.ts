import { RecError } from '../errors/rec-error';
import type { PluginKindTypes } from './plugin-kind-types';
import type { PluginKind } from './plugin-manifest';

/** The methods a product of each kind must have (the interfaces of `PluginKindTypes`), and what the type is called. */
const REQUIRED: Record<PluginKind, { readonly type: string; readonly methods: readonly string[]; readonly oneOf?: readonly string[] }> = {
  datasets: { type: 'DatasetLoader', methods: ['load'] },
  indexers: { type: 'Indexer', methods: ['fit', 'assign', 'index', 'losses', 'codebooks', 'variables', 'save', 'load', 'stats', 'dispose'] },
  backbones: {
    type: 'Backbone',
    methods: ['tokenize', 'decode', 'setIndexVocabulary', 'encode', 'pooled', 'responseNllSum', 'lossAndRowGrads', 'constrainedSearch', 'trainableVariables', 'markUpdated', 'saveAdapters', 'loadAdapters', 'parameterCount', 'dispose'],
  },
  tasks: { type: 'InstructionTask', methods: ['requires', 'samples'] },
  recommenders: { type: 'TrainableRecommender', methods: ['fit', 'parameterCount', 'dispose'], oneOf: ['score', 'recommend'] },
  metrics: { type: 'RankMetric', methods: [] },
};

const SINGULAR: Record<PluginKind, string> = { datasets: 'dataset', indexers: 'indexer', backbones: 'backbone', tasks: 'task', recommenders: 'recommender', metrics: 'metric' };

/** What is wrong with `value` as a product of `kind` (empty when it has every required method). */
export function productProblems(kind: PluginKind, value: unknown): string[] {
  if (kind === 'metrics') {
    if (typeof value !== 'function') return [`is ${describe(value)}, not a function (rank → value)`];
    return typeof (value as { metricName?: unknown }).metricName === 'string' ? [] : ['has no metricName string'];
  }
  if (typeof value !== 'object' || value === null) return [`is ${describe(value)}, not an object`];
  const spec = REQUIRED[kind];
  const has = (m: string) => typeof (value as Record<string, unknown>)[m] === 'function';
  const missing = spec.methods.filter((m) => !has(m)).map((m) => `${m}()`);
  if (spec.oneOf && !spec.oneOf.some(has)) missing.push(spec.oneOf.map((m) => `${m}()`).join(' or '));
  return missing.length ? [`has no ${missing.join(', ')}`] : [];
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

/**
 * Runtime half of the typed `registry.create`: the factory's product must have the kind's required methods,
 * otherwise an E_PLUGIN naming the plugin and the missing methods (instead of a TypeError much later).
 */
export function checkProduct<K extends PluginKind>(kind: K, name: string, plugin: string, value: unknown): PluginKindTypes[K] {
  const problems = productProblems(kind, value);
  if (problems.length) {
    const spec = REQUIRED[kind];
    throw new RecError(
      'E_PLUGIN',
      `Plugin "${plugin}": ${SINGULAR[kind]} "${name}" ${problems.join('; ')} — a ${kind} factory must build a ${spec.type}` +
        (spec.methods.length ? ` (${[...spec.methods, ...(spec.oneOf ? [spec.oneOf.join(' or ')] : [])].join(', ')})` : ' (a function with a metricName)'),
      { hint: `Fix create() of ${kind}:${name} in ${plugin}, or remove the plugin (rec plugins uninstall ${plugin}).` },
    );
  }
  return value as PluginKindTypes[K];
}
