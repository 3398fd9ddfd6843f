import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RecError, type IndexerKind, type PluginRegistryLike } from '@ed2/core';
import type { GenerativeConfig } from './generative-config';

/** Nested component options validated by their own schemas (defaults filled), so config.json holds them all. */
export function normalizeGenerative(config: GenerativeConfig, registry: PluginRegistryLike): GenerativeConfig {
  checkFiles(config);
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


/** Files named in the config must exist before a run folder is made (their contents are checked when read). */
function checkFiles(config: GenerativeConfig): void {
  const f = config.itemFeatures;
  if (f !== undefined) {
    const file = f.startsWith('run:') ? join(f.slice(4), 'checkpoint', 'tensors.safetensors') : f;
    if (!f.startsWith('run:') && !/\.(npy|safetensors)$/i.test(f)) {
      throw new RecError('E_CONFIG', `--item-features "${f}" is neither run:<dir> nor a .safetensors / .npy file`, { hint: 'e.g. --item-features run:runs/sasrec-instruments or --item-features items.npy' });
    }
    if (!existsSync(file)) throw new RecError('E_DATA_MISSING', `--item-features ${f}: ${file} does not exist`, { hint: f.startsWith('run:') ? 'Point run: at the folder of a finished `rec run --model sasrec` on the same dataset.' : 'Check the path.' });
  }
  for (const key of ['weights', 'tokenizer'] as const) {
    const p = config.backbone.options[key];
    if (typeof p === 'string' && !existsSync(p)) throw new RecError('E_DATA_MISSING', `backbone ${key} '${p}' does not exist`, { hint: `Check the ${key} path (relative paths start at the working directory).` });
  }
}
