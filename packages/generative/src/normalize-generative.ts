import type { IndexerKind, PluginRegistryLike } from '@ed2/core';
import type { GenerativeConfig } from './generative-config';

/** Nested component options validated by their own schemas (defaults filled), so config.json holds them all. */
export function normalizeGenerative(config: GenerativeConfig, registry: PluginRegistryLike): GenerativeConfig {
  const ix = (c: GenerativeConfig['itemIndexer'], kind: IndexerKind) => {
    const { kind: _k, ...rest } = registry.parseConfig('indexers', c.name, { ...c.options, kind }) as Record<string, unknown>;
    return { name: c.name, options: rest };
  };
  return {
    ...config,
    backbone: { name: config.backbone.name, options: registry.parseConfig('backbones', config.backbone.name, config.backbone.options) as Record<string, unknown> },
    itemIndexer: ix(config.itemIndexer, 'item'),
    userIndexer: ix(config.userIndexer, 'user'),
  };
}

