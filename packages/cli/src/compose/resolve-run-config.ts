import { RecError, type BackendName } from '@ed2/core';
import { configLeaves } from './config-sources';
import { datasetPattern } from './dataset-pattern';
import { anyGenerativeFlag, applyGenerativeFlags, applyIndexFile, checkTorchLaunchFlags, setDotted, type GenerativeFlags } from './generative-flags';
import type { LoadedProjectConfig } from './load-project-config';
import { parseAssignments } from './parse-assignments';
import { GENERATIVE_KEYS, type ProjectSection } from './project-config';
import type { RunConfig } from './run-experiment'; // type only: no import cycle at run time

type Obj = Record<string, unknown>;

/** Recommenders that take the generative keys (--backbone, --indexer, …). */
export const GENERATIVE_MODELS: readonly string[] = ['ed2', 'lc-rec', 'tiger'];

export interface ResolveRunInput {
  /** The parsed `rec run` flags by flag name, defaults filled in. */
  readonly flags: Readonly<Record<string, unknown>>;
  /** Whether a flag was given (on the command line or by its environment variable), not defaulted. */
  readonly given: (flag: string) => boolean;
  /** `--resume`: the stored experiment (the project file is then not applied: the run keeps its configuration). */
  readonly stored?: RunConfig;
  readonly project?: LoadedProjectConfig;
  /** `--config <file>`, read. */
  readonly configFile?: { readonly path: string; readonly model?: Obj; readonly dataset?: Obj };
}

export interface ResolvedRunConfig {
  readonly model: string;
  /** Before the model's schema (its defaults are filled by `runExperiment`). */
  readonly modelConfig: Obj;
  readonly dataset: string;
  readonly datasetConfig: Obj;
  readonly seed: number;
  readonly ks: number[];
  readonly excludeSeen: boolean;
  readonly evalBatchSize: number;
  readonly backend: BackendName;
  /** What set each value that is not a built-in default: `flag --x`, `rec.config.json:<section>`, or the resumed run's own source. Keys as in config.json (`modelConfig.backbone.options.model`). */
  readonly sources: Record<string, string>;
  /** The project sections applied, in order (general first, the most specific dataset section last). */
  readonly sections: string[];
  readonly projectFile?: string;
  /** Things worth a line: sections skipped on resume, generative keys not used by an id-based model. */
  readonly notes: string[];
}

interface Section {
  readonly label: string;
  readonly body: ProjectSection;
}

/**
 * One configuration for `rec run` and `rec config show`: built-in defaults < the project file (general section <
 * its `models.<model>` < each matching dataset section, the most specific last, each followed by its own
 * `models.<model>`) < explicit flags (`--config` < `--set` < the named flags). On `--resume` the stored run takes
 * the project file's place. Every value keeps the name of what set it.
 */
export function resolveRunConfig(input: ResolveRunInput): ResolvedRunConfig {
  const { flags, given, stored, project } = input;
  const sources: Record<string, string> = {};
  const notes: string[] = [];
  const label = (section: string) => `${project?.label ?? ''}:${section}`;
  const general: Section | undefined = project && !stored ? { label: 'general', body: project.config } : undefined;
  if (project && stored) notes.push(`${project.file} is not applied on --resume: the run keeps its stored configuration (flags still override it)`);

  // scalar settings: flag > stored run > the last project section that sets it > the flag's default
  const scalar = <T>(key: string, flag: string, storedValue: T | undefined, sections: readonly Section[], read: (s: ProjectSection) => T | undefined = (s) => (s as Obj)[flag] as T | undefined): T => {
    if (given(flag)) return record(key, `flag --${flag}`, flags[flag] as T);
    if (storedValue !== undefined) return record(key, stored?.sources?.[key] ?? 'stored run', storedValue);
    for (const s of [...sections].reverse()) {
      const v = read(s.body);
      if (v !== undefined) return record(key, label(s.label), v);
    }
    return flags[flag] as T;
  };
  const record = <T>(key: string, source: string, v: T): T => {
    sources[key] = source;
    return v;
  };

  const dataset = scalar<string>('dataset', 'dataset', stored?.dataset, general ? [general] : []);
  const datasetSections = general ? matchingDatasetSections(project!, dataset) : [];
  const model = scalar<string>('model', 'model', stored?.model, general ? [general, ...datasetSections] : []);
  const generative = GENERATIVE_MODELS.includes(model);
  const sections = general ? [general, ...datasetSections].flatMap((s) => [s, ...(s.body.models?.[model] ? [{ label: `${s.label}.models.${model}`, body: s.body.models[model] }] : [])]) : [];

  const seed = scalar<number>('seed', 'seed', stored?.seed, sections);
  const ksRaw = scalar<number[] | string>('eval.ks', 'ks', stored?.eval.ks ? [...stored.eval.ks] : undefined, sections);
  const ks = typeof ksRaw === 'string' ? ksRaw.split(',').map((s) => Number(s.trim())) : ksRaw;
  if (ks.some((k) => !Number.isInteger(k) || k < 1)) {
    throw new RecError('E_CONFIG', `--ks "${String(ksRaw)}" must be positive integers separated by commas`, { hint: 'e.g. --ks 1,5,10,20' });
  }
  const excludeSeen = scalar<boolean>('eval.excludeSeen', 'exclude-seen', stored?.eval.excludeSeen, sections);
  const evalBatchSize = scalar<number>('evalBatchSize', 'eval-batch', undefined, sections);
  const backend = scalar<BackendName>('backend', 'backend', undefined, sections);

  // model options, layer by layer; each layer's source goes to the leaves it sets
  const modelConfig: Obj = {};
  const msrc: Record<string, string> = {};
  const layer = (target: Obj, src: Record<string, string>, source: string | ((leaf: string) => string), apply: (c: Obj) => void) => {
    const probe: Obj = {};
    apply(probe);
    apply(target);
    for (const [leaf] of configLeaves(probe)) {
      for (const k of Object.keys(src)) if (k.startsWith(`${leaf}.`)) delete src[k];
      src[leaf] = typeof source === 'string' ? source : source(leaf);
    }
    const present = new Set(configLeaves(target).map(([p]) => p));
    for (const k of Object.keys(src)) if (!present.has(k)) delete src[k];
  };
  // a backbone chosen by a later section or a flag replaces the preset/weights/tokenizer of an earlier section
  const replaceBackbone = (source: string) => {
    const opts = (modelConfig.backbone as Obj | undefined)?.options as Obj | undefined;
    for (const k of ['model', 'weights', 'tokenizer']) {
      const s = msrc[`backbone.options.${k}`];
      if (opts && s !== undefined && s !== source && project && s.startsWith(`${project.label}:`)) delete opts[k];
    }
  };
  if (stored) layer(modelConfig, msrc, (leaf) => stored.sources?.[`modelConfig.${leaf}`] ?? 'stored run', (c) => Object.assign(c, structuredClone(stored.modelConfig)));
  for (const s of sections) {
    const body = s.body;
    const gen = Object.fromEntries(GENERATIVE_KEYS.filter((k) => body[k] !== undefined).map((k) => [k, body[k]])) as GenerativeFlags;
    const genKeys = Object.keys(gen);
    if (genKeys.length && !generative) notes.push(`${label(s.label)} sets ${genKeys.join(', ')}: generative-model keys, not used by ${model}`);
    if (generative && gen.backbone !== undefined) replaceBackbone(label(s.label));
    layer(modelConfig, msrc, label(s.label), (c) => {
      for (const [k, v] of Object.entries(body.set ?? {})) setDotted(c, k, structuredClone(v));
      if (generative) applyGenerativeFlags(c, gen);
      if (body.epochs !== undefined) c.epochs = body.epochs;
      if (body.loss !== undefined) c.loss = body.loss;
    });
  }
  const file = input.configFile;
  if (file?.model) layer(modelConfig, msrc, `flag --config ${file.path}`, (c) => Object.assign(c, structuredClone(file.model)));
  const sets = parseAssignments((flags.set as string[] | undefined) ?? [], '--set');
  if (Object.keys(sets).length) layer(modelConfig, msrc, 'flag --set', (c) => Object.entries(sets).forEach(([k, v]) => setDotted(c, k, structuredClone(v))));
  const genFlags = Object.fromEntries(GENERATIVE_KEYS.filter((k) => flags[k] !== undefined && flags[k] !== false).map((k) => [k, k === 'beta1' || k === 'beta2' ? numberFlag(`--${k}`, flags[k] as string | number) : flags[k]])) as GenerativeFlags;
  const genFlag = anyGenerativeFlag(genFlags);
  if (genFlag && !generative) {
    throw new RecError('E_CONFIG', `--${genFlag} configures a generative model, not ${model}`, { hint: 'Use it with --model ed2 or --model lc-rec, or drop it.' });
  }
  for (const [k, v] of Object.entries(genFlags)) {
    if (k === 'backbone') replaceBackbone(`flag --${k}`);
    layer(modelConfig, msrc, `flag --${k}`, (c) => applyGenerativeFlags(c, { [k]: v }));
  }
  if (generative) checkTorchLaunchFlags(modelConfig, genFlags);
  if (flags['index-file'] !== undefined) {
    if (!generative) throw new RecError('E_CONFIG', `--index-file configures a generative model, not ${model}`, { hint: `Use it with --model ${GENERATIVE_MODELS.join(' | ')}, or drop it.` });
    layer(modelConfig, msrc, 'flag --index-file', (c) => applyIndexFile(c, flags['index-file'] as string));
  }
  // TIGER has a single (item) branch: --indexer sets only its item indexer
  if (model === 'tiger' && modelConfig.userIndexer !== undefined) {
    delete modelConfig.userIndexer;
    for (const k of Object.keys(msrc)) if (k === 'userIndexer' || k.startsWith('userIndexer.')) delete msrc[k];
  }
  if (flags.epochs !== undefined) layer(modelConfig, msrc, 'flag --epochs', (c) => (c.epochs = flags.epochs));
  if (flags.loss !== undefined) layer(modelConfig, msrc, 'flag --loss', (c) => (c.loss = flags.loss));

  // dataset options: flat keys, as --dataset-set
  const datasetConfig: Obj = {};
  const dsrc: Record<string, string> = {};
  if (stored) layer(datasetConfig, dsrc, (leaf) => stored.sources?.[`datasetConfig.${leaf}`] ?? 'stored run', (c) => Object.assign(c, structuredClone(stored.datasetConfig)));
  for (const s of sections) if (s.body['dataset-set']) layer(datasetConfig, dsrc, label(s.label), (c) => Object.assign(c, structuredClone(s.body['dataset-set'])));
  if (file?.dataset) layer(datasetConfig, dsrc, `flag --config ${file.path}`, (c) => Object.assign(c, structuredClone(file.dataset)));
  const dsets = parseAssignments((flags['dataset-set'] as string[] | undefined) ?? [], '--dataset-set');
  if (Object.keys(dsets).length) layer(datasetConfig, dsrc, 'flag --dataset-set', (c) => Object.assign(c, dsets));

  for (const [k, v] of Object.entries(msrc)) sources[`modelConfig.${k}`] = v;
  for (const [k, v] of Object.entries(dsrc)) sources[`datasetConfig.${k}`] = v;
  return {
    model,
    modelConfig,
    dataset,
    datasetConfig,
    seed,
    ks,
    excludeSeen,
    evalBatchSize,
    backend,
    sources,
    sections: sections.map((s) => label(s.label)),
    ...(project ? { projectFile: project.file } : {}),
    notes,
  };
}

/** The dataset sections whose key matches, least specific first: globs by their literal characters, then exact names; ties in file order. */
function matchingDatasetSections(project: LoadedProjectConfig, dataset: string): Section[] {
  return Object.entries(project.config.datasets ?? {})
    .map(([key, body], order) => ({ key, body, order, p: datasetPattern(key) }))
    .filter((x) => x.p.matches(dataset))
    .sort((a, b) => Number(b.p.isGlob) - Number(a.p.isGlob) || a.p.literals - b.p.literals || a.order - b.order)
    .map((x) => ({ label: `datasets.${x.key}`, body: x.body }));
}

function numberFlag(name: string, v: string | number): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new RecError('E_CONFIG', `${name} "${v}" is not a non-negative number`, { hint: `e.g. ${name} 0.5` });
  return n;
}
