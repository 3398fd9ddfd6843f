import type { DependencyContainer } from 'tsyringe';
import { PLUGIN_API_VERSION, Tokens, definePlugin, type PluginManifest } from '@ed2/core';
import { gru4recConfig, sasrecConfig } from './configs';
import { Gru4Rec } from './gru4rec';
import { SasRec } from './sasrec';

const manifest: PluginManifest = {
  meta: { name: '@ed2/baselines', version: '0.1.0', apiVersion: PLUGIN_API_VERSION },
  recommenders: {
    sasrec: definePlugin({
      summary: 'SASRec: causal self-attention over the item sequence (CE or BCE loss).',
      config: sasrecConfig,
      create: (scope: DependencyContainer, config) => {
        const split = scope.resolve(Tokens.Split);
        return new SasRec({ ...config, numItems: split.numItems }, scope.resolve(Tokens.Rng).fork('sasrec/init'));
      },
    }),
    gru4rec: definePlugin({
      summary: 'GRU4Rec: GRU over the item sequence, full-softmax CE.',
      config: gru4recConfig,
      create: (scope: DependencyContainer, config) => {
        const split = scope.resolve(Tokens.Split);
        return new Gru4Rec({ ...config, numItems: split.numItems, loss: 'ce' }, scope.resolve(Tokens.Rng).fork('gru4rec/init'));
      },
    }),
  },
};
export default manifest;
