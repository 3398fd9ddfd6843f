import { definePlugin, PLUGIN_API_VERSION, type PluginManifest } from './plugin/plugin-manifest';
import { amazonLcrecConfigSchema, detectAmazonLcrec, AmazonLcrecLoader } from './datasets/amazon-lcrec-loader';
import { detectRecbole, recboleConfigSchema, RecboleLoader } from './datasets/recbole-loader';
import { syntheticConfigSchema, SyntheticLoader } from './datasets/synthetic-loader';

/** Core's own components: the three dataset plugins (registration list). */
const manifest: PluginManifest = {
  meta: { name: '@ed2/core', version: '0.1.0', apiVersion: PLUGIN_API_VERSION },
  datasets: {
    synthetic: definePlugin({
      summary: 'Seeded synthetic instrument-shop data (the embedded default): category-structured item text, user tastes, item chains, reviews.',
      config: syntheticConfigSchema,
      create: (_scope, config) => new SyntheticLoader(config),
    }),
    'amazon-lcrec': Object.assign(
      definePlugin({
        summary: 'LC-Rec style Amazon folder: X.inter.json (+ X.item.json, X.user.json, X.review.json, X.item2id, X.user2id, X.inter.user.json).',
        config: amazonLcrecConfigSchema,
        create: (_scope, config) => new AmazonLcrecLoader(config),
      }),
      { detect: detectAmazonLcrec },
    ),
    recbole: Object.assign(
      definePlugin({
        summary: 'RecBole atomic files: X.inter (+ .item, .user) or pre-split X.train/valid/test.inter (+ .text, .item2index, .user2index).',
        config: recboleConfigSchema,
        create: (_scope, config) => new RecboleLoader(config),
      }),
      { detect: detectRecbole },
    ),
  },
};
export default manifest;
