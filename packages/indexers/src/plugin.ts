import type { DependencyContainer } from 'tsyringe';
import { PLUGIN_API_VERSION, Tokens, definePlugin, type PluginManifest } from '@ed2/core';
import { hvqaeConfig, lshConfig, rqvaeConfig, staticConfig } from './configs';
import { HvqaeIndexer } from './hvqae-indexer';
import { LshIndexer } from './lsh-indexer';
import { RqvaeIndexer } from './rqvae-indexer';
import { StaticIndexer } from './static-indexer';

/** The seed of a component: its configured seed, else one derived from the run's Rng. */
function seedFor(scope: DependencyContainer, label: string, seed: number | undefined): number {
  if (seed !== undefined) return seed;
  return scope.isRegistered(Tokens.Rng, true) ? scope.resolve(Tokens.Rng).fork(label).int(2 ** 31) : 0;
}

const manifest: PluginManifest = {
  meta: { name: '@ed2/indexers', version: '0.1.0', apiVersion: PLUGIN_API_VERSION },
  indexers: {
    hvqae: definePlugin({
      summary: 'ED² HVQAE: MLP encoder + cascaded vMF quantizers, straight-through Gumbel-softmax codes (dynamic, dual-ready).',
      config: hvqaeConfig,
      create: (scope: DependencyContainer, config) => {
        return new HvqaeIndexer({ ...config, seed: seedFor(scope, `indexer/hvqae/${config.kind}`, config.seed) });
      },
    }),
    rqvae: definePlugin({
      summary: 'RQ-VAE (TIGER / LC-Rec): residual quantization with straight-through gradients, optional Sinkhorn de-collision.',
      config: rqvaeConfig,
      create: (scope: DependencyContainer, config) => {
        return new RqvaeIndexer({ ...config, seed: seedFor(scope, `indexer/rqvae/${config.kind}`, config.seed) });
      },
    }),
    lsh: definePlugin({
      summary: 'Random-hyperplane LSH (h bits per level, M levels), static or dynamic.',
      config: lshConfig,
      create: (scope: DependencyContainer, config) => {
        return new LshIndexer({ ...config, seed: seedFor(scope, `indexer/lsh/${config.kind}`, config.seed) });
      },
    }),
    static: definePlugin({
      summary: 'Precomputed index file (e.g. Instruments.index.json), pseudo-IDs or random codes; frozen.',
      config: staticConfig,
      create: (scope: DependencyContainer, config) => {
        return new StaticIndexer({ ...config, seed: seedFor(scope, `indexer/static/${config.kind}`, config.seed) });
      },
    }),
  },
};
export default manifest;
