import type { DependencyContainer } from 'tsyringe';
import { RecError, Tokens, type Backbone, type Indexer } from '@ed2/core';
import { T5Backbone, t5BackboneConfig } from '@ed2/backbones';
import { itemTexts } from '../entity-features';
import type { TigerConfig } from './tiger-config';
import { TigerRecommender } from './tiger-recommender';

/** Builds TIGER's parts inside the run's child container: the item indexer through the registry, the T5 model directly. */
export async function createTiger(scope: DependencyContainer, config: TigerConfig): Promise<TigerRecommender> {
  const need: [string, boolean][] = [['Registry', scope.isRegistered(Tokens.Registry, true)], ['Corpus', scope.isRegistered(Tokens.Corpus, true)], ['Split', scope.isRegistered(Tokens.Split, true)], ['Rng', scope.isRegistered(Tokens.Rng, true)]];
  const missing = need.filter(([, ok]) => !ok).map(([n]) => n);
  if (missing.length) throw new RecError('E_CONFIG', `recommender "tiger" needs the run's ${missing.join(', ')} in its container`, { hint: 'Create it inside a run (rec run), or register Tokens.Registry, Corpus, Split and Rng in the scope.' });
  const registry = scope.resolve(Tokens.Registry);
  const corpus = scope.resolve(Tokens.Corpus);
  const split = scope.resolve(Tokens.Split);
  const seed = config.seed ?? scope.resolve(Tokens.Rng).fork('recommender/tiger').int(2 ** 31);
  const indexer = (await registry.create('indexers', config.itemIndexer.name, scope, { ...config.itemIndexer.options, kind: 'item' })) as Indexer;
  const t5 = new T5Backbone(t5BackboneConfig.parse(config.t5), seed);
  const textBackbone = async (): Promise<Backbone> => {
    const child = scope.createChildContainer();
    child.register(Tokens.BackboneTexts, { useValue: () => itemTexts(corpus) });
    return (await registry.create('backbones', config.backbone.name, child, config.backbone.options)) as Backbone;
  };
  return new TigerRecommender(config, { indexer, t5, textBackbone, corpus, split, seed });
}
