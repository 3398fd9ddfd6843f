import type { ProtocolManifest } from './protocol-manifest';

export interface ProtocolDifference {
  /** Dotted field name, e.g. `data.hash`, `seenItems`. */
  readonly field: string;
  /** Row name → its value of the field. */
  readonly values: Readonly<Record<string, unknown>>;
}

/** Fields every row of one table must share: the data, the split, who competes, masking, cut-offs, seeds. */
const SHARED = ['split.kind', 'split.train', 'split.valid', 'split.test', 'data.hash', 'candidates', 'seenItems', 'ks', 'seeds'] as const;
/** Fields generating rows must share with each other (a score-based row has none of them). */
const GENERATION = ['constraint', 'beam'] as const;

/**
 * The comparability-deciding fields on which the rows disagree (empty: one table is fair).
 * Informational fields may differ: `rankedBy`, `topK` and `templates` are part of a model (ED²
 * generates lists from templates, SASRec scores items, as in the papers' Table 1), and the backend
 * changes floating-point noise, not the protocol. Beam width and constraint are compared among the
 * generating rows only.
 */
export function protocolDifferences(rows: readonly { readonly name: string; readonly manifest: ProtocolManifest }[]): ProtocolDifference[] {
  const out: ProtocolDifference[] = [];
  const check = (field: string, subset: typeof rows) => {
    const values = Object.fromEntries(subset.map((r) => [r.name, get(r.manifest, field)]));
    if (new Set(Object.values(values).map((v) => JSON.stringify(v))).size > 1) out.push({ field, values });
  };
  for (const f of SHARED) check(f, rows);
  const generating = rows.filter((r) => r.manifest.rankedBy === 'generation');
  for (const f of GENERATION) check(f, generating);
  return out;
}

function get(m: ProtocolManifest, field: string): unknown {
  return field.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], m);
}
