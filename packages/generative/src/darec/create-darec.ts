import type { DependencyContainer } from 'tsyringe';
import { RecError, Tokens } from '@ed2/core';
import { LlamaBackbone } from '@ed2/backbones';
import type { DarecConfig } from './darec-config';
import { DarecRecommender } from './darec-recommender';
import { DarecPrompts } from './darec-prompts';
import { attributeText } from './attribute-text';

/** Builds DARec inside the run's container: the LLaMA backbone through the registry (its word vocabulary, for a random init, from the item attribute texts). */
export async function createDarec(scope: DependencyContainer, config: DarecConfig): Promise<DarecRecommender> {
  const have: [string, boolean][] = [['Registry', scope.isRegistered(Tokens.Registry, true)], ['Corpus', scope.isRegistered(Tokens.Corpus, true)], ['Split', scope.isRegistered(Tokens.Split, true)], ['Rng', scope.isRegistered(Tokens.Rng, true)]];
  const need = have.filter(([, ok]) => !ok).map(([n]) => n);
  if (need.length) throw new RecError('E_CONFIG', `recommender "darec" needs the run's ${need.join(', ')} in its container`, { hint: 'Create it inside a run (rec run), or register Tokens.Registry, Corpus, Split and Rng in the scope.' });
  const registry = scope.resolve(Tokens.Registry);
  const corpus = scope.resolve(Tokens.Corpus);
  const split = scope.resolve(Tokens.Split);
  const seed = config.seed ?? scope.resolve(Tokens.Rng).fork('recommender/darec').int(2 ** 31);
  const child = scope.createChildContainer();
  child.register(Tokens.BackboneTexts, { useValue: () => [DarecPrompts.WORDS, ...corpus.items.map((it) => attributeText(it, config.fields))] });
  const backbone = await registry.create('backbones', config.backbone.name, child, config.backbone.options);
  if (!(backbone instanceof LlamaBackbone)) {
    backbone.dispose();
    throw new RecError('E_CONFIG', `darec needs the llama backbone (context masking and per-layer adapters act on its layers), got "${backbone.name}"`, { hint: 'Use backbone.name = llama.' });
  }
  try {
    return new DarecRecommender(config, { backbone, corpus, split, seed });
  } catch (e) {
    backbone.dispose();
    throw e;
  }
}
