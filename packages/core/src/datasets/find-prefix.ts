import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { RecError } from '../errors/rec-error';

export interface DatasetFiles {
  /** The folder holding the files. */
  readonly dir: string;
  /** The common file prefix `X` (`Instruments` for `Instruments.inter.json`). */
  readonly prefix: string;
  /** The folder's file names (for looking up optional files). */
  readonly names: ReadonlySet<string>;
}

/** Whether `path` is an existing directory (false when missing). */
export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Find the prefix `X` of the dataset at `path` (a folder, or one of its files) from the files ending
 * in one of `suffixes` (tried in order). `prefix` picks one when the folder holds several datasets.
 * Returns undefined when no file matches.
 */
export async function findPrefix(path: string, suffixes: readonly string[], prefix?: string): Promise<DatasetFiles | undefined> {
  let dir = path;
  let fromFile: string | undefined;
  if (!(await isDirectory(path))) {
    dir = dirname(path);
    fromFile = basename(path);
  }
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return undefined;
  }
  const set = new Set(names);
  for (const suffix of suffixes) {
    let candidates = names.filter((n) => n.endsWith(suffix) && n.length > suffix.length).map((n) => n.slice(0, -suffix.length));
    if (fromFile !== undefined) candidates = candidates.filter((c) => fromFile!.startsWith(`${c}.`));
    if (prefix !== undefined) candidates = candidates.filter((c) => c === prefix);
    if (candidates.length === 1) return { dir, prefix: candidates[0]!, names: set };
    if (candidates.length > 1) {
      throw new RecError('E_DATA_MISSING', `${dir} holds several datasets (${candidates.sort().join(', ')}) with files *${suffix}`, {
        hint: `Pick one with the dataset option prefix=<one of ${candidates.join(', ')}>, or point at one of its files.`,
      });
    }
  }
  return undefined;
}

/** Full path of `X<suffix>` when that file exists in the folder. */
export function optionalFile(files: DatasetFiles, suffix: string): string | undefined {
  const name = `${files.prefix}${suffix}`;
  return files.names.has(name) ? join(files.dir, name) : undefined;
}
