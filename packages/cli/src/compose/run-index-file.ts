import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RecError, type DualIndex, type EventBus, type IndexerKind } from '@ed2/core';
import { INDEX_FORMATS, indexTableOf } from '@ed2/indexers';

/** Where a run folder keeps its final index of `kind` (LC-Rec `X.index.json` form). */
export function runIndexPath(dir: string, kind: IndexerKind): string {
  return join(dir, 'index', `${kind}.index.json`);
}

/**
 * The model's final indices (item, and user when dual) as LC-Rec index files, for `rec index export <run>`;
 * nothing for id-based models. An index the formats cannot hold is a warning, never a failed run.
 */
export async function writeRunIndex(run: { writeText(name: string, text: string): Promise<string> }, model: unknown, events?: Pick<EventBus, 'warn'>): Promise<string[]> {
  if (typeof model !== 'object' || model === null || !('index' in model)) return [];
  const written: string[] = [];
  try {
    const index = (model as { index: Partial<DualIndex> | undefined }).index;
    for (const branch of [index?.item, index?.user]) {
      if (branch && Array.isArray(branch.tokens)) written.push(await run.writeText(`index/${branch.kind}.index.json`, INDEX_FORMATS['lcrec-json'].format(indexTableOf(branch))));
    }
  } catch (e) {
    events?.warn(`the run's index was not written to index/*.index.json (rec index export cannot read this run): ${(e as Error).message}`);
  }
  return written;
}

/** The index file `source` names: itself, or for a run folder its `index/<kind>.index.json`. */
export function indexSource(source: string, kind: IndexerKind): { file: string; fromRun: boolean } {
  if (!existsSync(source)) throw new RecError('E_DATA_MISSING', `${source} does not exist`, { hint: 'Pass a run folder (runs/<id>) or an index file.' });
  if (!statSync(source).isDirectory()) return { file: source, fromRun: false };
  const file = runIndexPath(source, kind);
  if (!existsSync(file)) {
    throw new RecError('E_RUN_DIR', `${source} holds no ${kind} index (${file} is missing)`, {
      hint: existsSync(join(source, 'config.json'))
        ? `Only finished runs of generative models (ed2, lc-rec) write their index${kind === 'user' ? '; user indices exist only for dual (ED²) models' : ''}.`
        : 'Pass the folder a `rec run` wrote (runs/<id>), or an index file.',
    });
  }
  return { file, fromRun: true };
}
