import { z } from 'zod';
import type { Corpus } from '../domain/corpus';
import type { DatasetLoader } from '../domain/dataset-loader';
import { RecError } from '../errors/rec-error';
import { throwIfAborted } from './throw-if-aborted';
import { applyDatasetOptions, datasetOptionsShape } from './dataset-options';
import { findPrefix } from './find-prefix';
import { loadRecboleInteractions } from './recbole-interactions';
import { loadRecbolePresplit } from './recbole-presplit';

export const recboleConfigSchema = z
  .object({
    path: z.string().min(1).describe('Folder with RecBole atomic files (X.inter, or X.train/valid/test.inter), or one of those files.'),
    prefix: z.string().optional().describe('The file prefix X when the folder holds several datasets.'),
    ...datasetOptionsShape,
  })
  .strict();
export type RecboleConfig = z.output<typeof recboleConfigSchema>;

/** Pre-split form first: `X.train.inter` also ends in `.inter`. */
const SUFFIXES = ['.train.inter', '.inter'] as const;

async function locate(path: string, prefix?: string) {
  const files = await findPrefix(path, SUFFIXES, prefix);
  if (!files) return undefined;
  const presplit = files.names.has(`${files.prefix}.train.inter`) || files.names.has(`${files.prefix}.test.inter`);
  return { files, presplit };
}

/** Whether `path` is (or holds) RecBole atomic files. */
export async function detectRecbole(path: string): Promise<boolean> {
  try {
    return (await locate(path)) !== undefined;
  } catch (e) {
    if (RecError.is(e, 'E_DATA_MISSING')) return true;
    throw e;
  }
}

/** RecBole atomic files, per-interaction (ml-100k) or pre-split (amazon-scientific) form, picked from the files present. */
export class RecboleLoader implements DatasetLoader {
  readonly name = 'recbole';

  constructor(private readonly config: RecboleConfig) {}

  async load(options: { signal?: AbortSignal } = {}): Promise<Corpus> {
    throwIfAborted(options.signal, this.config.path);
    const found = await locate(this.config.path, this.config.prefix);
    if (!found) {
      throw new RecError('E_DATA_MISSING', `No RecBole atomic files (*.inter) found at ${this.config.path}`, {
        hint: 'Point the recbole dataset at a folder holding X.inter (+ X.item, X.user) or X.train.inter / X.valid.inter / X.test.inter.',
      });
    }
    const corpus = found.presplit ? await loadRecbolePresplit(found.files) : await loadRecboleInteractions(found.files);
    throwIfAborted(options.signal, this.config.path);
    return applyDatasetOptions(corpus, this.config);
  }
}
