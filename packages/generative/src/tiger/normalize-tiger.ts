import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RecError, type PluginRegistryLike } from '@ed2/core';
import { t5BackboneConfig } from '@ed2/backbones';
import type { TigerConfig } from './tiger-config';

/** Nested options through their own schemas (defaults filled, so config.json holds them all); named files must exist. */
export function normalizeTiger(config: TigerConfig, registry: PluginRegistryLike): TigerConfig {
  const f = config.itemFeatures;
  if (f !== undefined) {
    if (!f.startsWith('run:') && !/\.(npy|safetensors)$/i.test(f)) throw new RecError('E_CONFIG', `--item-features "${f}" is neither run:<dir> nor a .safetensors / .npy file`, { hint: 'e.g. --item-features run:runs/sasrec-instruments or --item-features items.npy' });
    const file = f.startsWith('run:') ? join(f.slice(4), 'checkpoint', 'tensors.safetensors') : f;
    if (!existsSync(file)) throw new RecError('E_DATA_MISSING', `--item-features ${f}: ${file} does not exist`, { hint: 'Check the path.' });
  }
  const { kind: _k, ...ix } = registry.parseConfig('indexers', config.itemIndexer.name, { ...config.itemIndexer.options, kind: 'item' }) as Record<string, unknown>;
  if (typeof ix.path === 'string' && !existsSync(ix.path)) throw new RecError('E_DATA_MISSING', `tiger: index file ${ix.path} does not exist`, { hint: 'Pass an existing *.index.json (e.g. ../shared/datasets/amazon-instruments/Instruments.index.json).' });
  // the text backbone is validated only where it is used (features from item text)
  const usesText = config.itemIndexer.name !== 'static' && config.itemFeatures === undefined;
  return {
    ...config,
    itemIndexer: { name: config.itemIndexer.name, options: ix },
    ...(usesText ? { backbone: { name: config.backbone.name, options: registry.parseConfig('backbones', config.backbone.name, config.backbone.options) as Record<string, unknown> } } : {}),
    t5: t5BackboneConfig.parse(config.t5),
  };
}
