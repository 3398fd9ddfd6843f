import type { DependencyContainer } from 'tsyringe';
import { EventBus, RecError, Tokens, type DualIndex, type EntityIndex, type Indexer, type IndexerKind, type InstructionTask } from '@ed2/core';
import { buildInstructionSamples, createTasks, resolveTasks, SequentialTask } from '@ed2/tasks';
import type { GenerativeConfig } from './generative-config';
import { GenerativeRecommender } from './generative-recommender';
import { itemTexts, userTexts } from './entity-features';

/** A DualIndex of one placeholder token per entity: builds the samples whose words the vocabulary needs. */
function placeholderIndex(kind: IndexerKind, n: number): EntityIndex {
  return { kind, tokens: Array.from({ length: n }, () => [kind === 'item' ? '<a_0>' : '<u_a_0>']), vocabulary: [] };
}

/** Builds the recommender's parts through the registry, inside the run's child container. */
export async function createGenerative(name: string, scope: DependencyContainer, config: GenerativeConfig): Promise<GenerativeRecommender> {
  const need: [string, boolean][] = [['Registry', scope.isRegistered(Tokens.Registry, true)], ['Corpus', scope.isRegistered(Tokens.Corpus, true)], ['Split', scope.isRegistered(Tokens.Split, true)], ['Rng', scope.isRegistered(Tokens.Rng, true)]];
  const missing = need.filter(([, ok]) => !ok).map(([n]) => n);
  if (missing.length) throw new RecError('E_CONFIG', `recommender "${name}" needs the run's ${missing.join(', ')} in its container`, { hint: 'Create it inside a run (rec run), or register Tokens.Registry, Corpus, Split and Rng in the scope.' });
  const registry = scope.resolve(Tokens.Registry);
  const corpus = scope.resolve(Tokens.Corpus);
  const split = scope.resolve(Tokens.Split);
  const seed = config.seed ?? scope.resolve(Tokens.Rng).fork(`recommender/${name}`).int(2 ** 31);
  const taskNames = resolveTasks(config.tasks, registry);
  const taskOpts: Record<string, unknown> = { ...config.taskOptions, sequential: { maxHistory: config.maxHistory, ...(config.taskOptions.sequential ?? {}) } };
  const tasks: InstructionTask[] = await createTasks(taskNames, registry, scope, taskOpts);
  const sequential = new SequentialTask({ maxHistory: config.maxHistory, ...((config.taskOptions.sequential ?? {}) as object) });
  // Texts the backbone's word vocabulary is learnt from (used only by a backbone without a pretrained tokenizer).
  const placeholder: DualIndex = { item: placeholderIndex('item', corpus.items.length), ...(config.users ? { user: placeholderIndex('user', corpus.users.length) } : {}) };
  const texts = () => {
    const samples = buildInstructionSamples(tasks, { corpus, split, index: placeholder, rng: scope.resolve(Tokens.Rng).fork('vocabulary'), part: 'train', events: new EventBus() });
    const out: string[] = [];
    for (const s of samples) out.push(s.prompt, s.response);
    for (const t of sequential.activeTemplates) out.push(sequential.evalPrompt(placeholder, 0, [0], t));
    out.push(...itemTexts(corpus), ...(config.users ? userTexts(corpus, split) : []));
    return out;
  };
  const child = scope.createChildContainer();
  child.register(Tokens.BackboneTexts, { useValue: texts });
  const backbone = await registry.create('backbones', config.backbone.name, child, config.backbone.options);
  const indexers = new Map<IndexerKind, Indexer>();
  const suffixes = new Map<IndexerKind, number>();
  const branches: [IndexerKind, GenerativeConfig['itemIndexer']][] = [['item', config.itemIndexer], ...(config.users ? [['user', config.userIndexer] as [IndexerKind, GenerativeConfig['itemIndexer']]] : [])];
  for (const [kind, c] of branches) {
    const opts = { ...c.options, kind };
    const parsed = registry.parseConfig('indexers', c.name, opts) as { suffixTokens?: number };
    indexers.set(kind, await registry.create('indexers', c.name, scope, opts));
    suffixes.set(kind, Math.max(parsed.suffixTokens ?? 8, 16));
  }
  return new GenerativeRecommender(name, config, { backbone, indexers, suffixes, tasks, sequential, corpus, split, seed });
}
