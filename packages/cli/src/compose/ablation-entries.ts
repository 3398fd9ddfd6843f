import { RecError } from '@ed2/core';
import { applyGenerativeFlags, type GenerativeFlags } from './generative-flags';
import type { BenchEntry } from './bench-entry';

export interface AblationTable {
  readonly title: string;
  /** Row ids of the table, in order; the first is the reference Avg.D is computed against. */
  readonly ids: readonly string[];
}

export interface AblationPlan {
  readonly entries: BenchEntry[];
  readonly tables: AblationTable[];
}

/** The ED² paper's ablations as `rec run` flags (Table 2: components; Table 3: index length, static vs dynamic LSH). */
const ROWS: readonly { readonly id: string; readonly name: string; readonly flags: GenerativeFlags }[] = [
  { id: 'full', name: 'ED² (full)', flags: {} },
  { id: 'no-user', name: 'w/o user', flags: { 'no-user': true } },
  { id: 'static', name: 'w/o dynamic', flags: { static: true } },
  { id: 'no-mgtr', name: 'w/o m-GTR', flags: { 'no-mgtr': true } },
  { id: 'no-exploit', name: 'w/o exploit', flags: { 'no-exploit': true } },
  { id: 'no-user-no-mgtr', name: 'w/o user & m-GTR', flags: { 'no-user': true, 'no-mgtr': true } },
  { id: 'length-3', name: 'index length 3', flags: { 'index-length': 3 } },
  { id: 'length-4', name: 'index length 4', flags: { 'index-length': 4 } },
  { id: 'length-5', name: 'index length 5', flags: { 'index-length': 5 } },
  { id: 'lsh-static', name: 'LSH, static', flags: { indexer: 'lsh', static: true } },
  { id: 'lsh-dynamic', name: 'LSH, dynamic', flags: { indexer: 'lsh' } }, // + mode dynamic: re-hashed from re-encoded texts
];

/**
 * The run configurations of `rec ablate`: every row is the ED² model (`model`, default `ed2`) with the
 * shared options `base` (flags and `--set` of the command, the budget) and the row's ablation flags on top,
 * applied exactly as `rec run` applies them. Table 2 is full + the five component ablations, Table 3 the
 * index lengths 3/4/5 and LSH static vs dynamic (LSH rows keep only the shared index length of the indexer options),
 * each against the full model. `rows` keeps only those row ids (the full model always stays, since Avg.D is
 * measured against it); a table left with the full model alone is dropped.
 */
export function ablationEntries(base: Readonly<Record<string, unknown>>, options: { readonly model?: string; readonly rows?: readonly string[] } = {}): AblationPlan {
  const model = options.model ?? 'ed2';
  const known = ROWS.map((r) => r.id);
  const unknown = (options.rows ?? []).filter((id) => !known.includes(id));
  if (unknown.length) throw new RecError('E_CONFIG', `rec ablate: unknown row${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`, { hint: `--rows takes a comma list of ${known.join(', ')}.` });
  const keep = new Set(options.rows ? ['full', ...options.rows] : known);
  const entries = ROWS.filter((r) => keep.has(r.id)).map((r) => {
    const modelConfig = applyGenerativeFlags(structuredClone({ ...base }) as Record<string, unknown>, r.flags);
    // LSH has its own options: of the shared indexer options (HVQAE's codebook size, code dim, …) only the index length carries over
    if (r.flags.indexer === 'lsh') {
      for (const b of ['itemIndexer', 'userIndexer']) {
        const levels = ((modelConfig[b] as { options?: Record<string, unknown> }).options ?? {}).levels;
        modelConfig[b] = { name: 'lsh', options: { ...(levels === undefined ? {} : { levels }), ...(r.id === 'lsh-dynamic' ? { mode: 'dynamic' } : {}) } };
      }
    }
    return { id: r.id, name: r.name, model, modelConfig };
  });
  const tables = [
    { title: 'Table 2: ablation of the components', ids: ['full', 'no-user', 'static', 'no-mgtr', 'no-exploit', 'no-user-no-mgtr'] },
    { title: 'Table 3: index length and LSH indices', ids: ['full', 'length-3', 'length-4', 'length-5', 'lsh-static', 'lsh-dynamic'] },
  ];
  return { entries, tables: tables.map((t) => ({ ...t, ids: t.ids.filter((id) => keep.has(id)) })).filter((t) => t.ids.length > 1) };
}
