import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DependencyContainer } from 'tsyringe';
import type { DatasetDetector, DatasetLoader } from '../domain/dataset-loader';
import { RecError } from '../errors/rec-error';
import { closestNames } from '../errors/closest-names';
import { PluginRegistry } from '../plugin/plugin-registry';
import corePlugin from '../plugin';

/** A registered dataset name (`synthetic`), a path (folder or file), or a name with its options. */
export type DatasetSpec = string | { readonly name: string; readonly config?: Readonly<Record<string, unknown>> };

const hasDetect = (f: unknown): f is DatasetDetector => typeof (f as Partial<DatasetDetector>)?.detect === 'function';

/**
 * Build the dataset loader for `spec`. Names are looked up among the `registry`'s datasets and then
 * core's own (`synthetic`, `amazon-lcrec`, `recbole`); a path is given to every dataset plugin with a
 * `detect(path)` and the first that recognises it loads it (with `{ path, ...config }`).
 * Unknown names and unrecognised paths give E_DATA_MISSING listing the known names and formats.
 */
export async function resolveDataset(
  spec: DatasetSpec,
  config: Readonly<Record<string, unknown>> = {},
  registry?: PluginRegistry,
  scope?: DependencyContainer,
): Promise<DatasetLoader> {
  const reg = new PluginRegistry();
  reg.register(corePlugin);
  const entries = new Map(reg.list('datasets').map((e) => [e.name, e]));
  // Plugins registered by the caller come first; core's datasets fill in what they do not provide.
  for (const e of registry?.list('datasets') ?? []) entries.set(e.name, e);
  const ordered = [...(registry?.list('datasets') ?? []), ...reg.list('datasets').filter((e) => !registry?.has('datasets', e.name))];
  const name = typeof spec === 'string' ? spec : spec.name;
  const options = { ...(typeof spec === 'string' ? {} : spec.config ?? {}), ...config };
  const create = async (entryName: string, cfg: Record<string, unknown>): Promise<DatasetLoader> => {
    const source = registry?.has('datasets', entryName) ? registry : reg;
    const container = scope ?? (await import('tsyringe')).container.createChildContainer();
    return source.create('datasets', entryName, container, cfg);
  };
  if (entries.has(name)) return create(name, options);
  const path = resolve(name);
  if (existsSync(path)) {
    for (const e of ordered) {
      if (hasDetect(e.factory) && (await e.factory.detect(path))) return create(e.name, { path, ...options });
    }
  }
  const names = [...entries.keys()].sort();
  const formats = ordered.filter((e) => hasDetect(e.factory)).map((e) => e.name);
  const near = closestNames(name, names);
  throw new RecError(
    'E_DATA_MISSING',
    existsSync(path)
      ? `No dataset format recognises ${path}. Known formats: ${formats.join(', ')}`
      : `Unknown dataset "${name}": not a registered dataset and no such file or folder. Known datasets: ${names.join(', ')}; formats for paths: ${formats.join(', ')}` +
          (near.length ? `. Did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : ''),
    { hint: 'Pass a known dataset name (e.g. synthetic) or the path of a folder in one of the known formats (amazon-lcrec: X.inter.json; recbole: X.inter or X.train/valid/test.inter).' },
  );
}
