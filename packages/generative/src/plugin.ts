import { z } from 'zod';
import { definePlugin, PLUGIN_API_VERSION, type PluginManifest } from '@ed2/core';
import { generativeConfig, LCREC_DEFAULTS } from './generative-config';
import { normalizeGenerative } from './normalize-generative';
import { tigerConfig } from './tiger/tiger-config';
import { normalizeTiger } from './tiger/normalize-tiger';
import { darecConfig } from './darec/darec-config';

const lcrecConfig = z.preprocess((v) => ({ ...LCREC_DEFAULTS, ...(typeof v === 'object' && v !== null ? v : {}) }), generativeConfig).describe('LC-Rec: the generative recommender with a static RQ-VAE item index (Sinkhorn), items only, no m-GTR.');

const manifest: PluginManifest = {
  meta: { name: '@ed2/generative', version: '0.1.0', apiVersion: PLUGIN_API_VERSION },
  recommenders: {
    ed2: definePlugin({
      summary: 'ED²: LLM + dual dynamic HVQAE index tokens (items and users), m-GTR, every instruction task, trie-constrained beam ranking.',
      config: generativeConfig,
      normalize: normalizeGenerative,
      async create(scope, config) {
        const { createGenerative } = await import('./create-generative.js');
        return createGenerative('ed2', scope, config);
      },
    }),
    'lc-rec': definePlugin({
      summary: 'LC-Rec: the same generative recommender with a static RQ-VAE item index, items only, no m-GTR (sequential + index↔text alignment tasks).',
      config: lcrecConfig,
      normalize: normalizeGenerative,
      async create(scope, config) {
        const { createGenerative } = await import('./create-generative.js');
        return createGenerative('lc-rec', scope, config);
      },
    }),
    darec: definePlugin({
      summary: 'DARec: key–value item text + id tokens, context masking, jointly trained CF injection, coarse adaption, per-layer dynamic adaption, full ranking by an item head.',
      config: darecConfig,
      async create(scope, config) {
        const { createDarec } = await import('./darec/create-darec.js');
        return createDarec(scope, config);
      },
    }),
    tiger: definePlugin({
      summary: 'TIGER: RQ-VAE semantic IDs (+ collision level) and a hashed user token, a T5 encoder–decoder generating the next item\'s ID, trie-constrained beam ranking.',
      config: tigerConfig,
      normalize: normalizeTiger,
      async create(scope, config) {
        const { createTiger } = await import('./tiger/create-tiger.js');
        return createTiger(scope, config);
      },
    }),
  },
};
export default manifest;
