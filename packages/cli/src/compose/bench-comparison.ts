import { RecError } from '@ed2/core';
import { compareModels, protocolDifferences, type Comparison, type ProtocolDifference, type ProtocolManifest } from '@ed2/eval';
import type { BenchRow } from './run-bench';

export interface BenchTable {
  readonly title: string;
  /** File-name part of the table's CSV and PNG ('' for a single table). */
  readonly slug: string;
  readonly comparison: Comparison;
  /** The rows' manifests (seeds merged), by row name. */
  readonly manifests: Record<string, ProtocolManifest>;
  /** Comparability fields that differ (empty unless --allow-mixed-protocols let them through). */
  readonly differences: ProtocolDifference[];
}

/**
 * One comparison table over bench rows: every row's manifest (its seeds merged; the seeds of one row must
 * agree on everything else), the protocol check — rows measured under different protocols are refused,
 * naming each differing field and the rows' values, unless `allowMixed` — and the Table-1 comparison.
 */
export function benchComparison(rows: readonly BenchRow[], metrics: readonly string[], options: { readonly title: string; readonly slug: string; readonly allowMixed: boolean; readonly reference?: string }): BenchTable {
  const manifests: Record<string, ProtocolManifest> = {};
  for (const r of rows) {
    const ms = r.runs.map((x) => x.manifest);
    if (ms.some((m) => m === undefined)) {
      throw new RecError('E_DATA_FORMAT', `row ${r.entry.name}: ${r.runs.find((x) => !x.manifest)!.dir}/metrics.json has no protocol manifest (written before manifests existed)`, { hint: 'Rerun that model: remove its run folder and run the bench again with --resume.' });
    }
    const seedless = new Set(ms.map((m) => JSON.stringify({ ...m, seeds: [] })));
    if (seedless.size > 1) {
      const d = protocolDifferences(ms.map((m, i) => ({ name: `${r.entry.name} seed ${r.runs[i].seed}`, manifest: { ...m!, seeds: [0] } })));
      throw new RecError('E_DATA_FORMAT', `row ${r.entry.name}: its seeds were measured under different protocols (${d.map((x) => x.field).join(', ') || 'informational fields'})`, { hint: 'Remove the stale run folders of that row and rerun with --resume.' });
    }
    manifests[r.entry.name] = { ...ms[0]!, seeds: r.runs.map((x) => x.seed) };
  }
  const differences = protocolDifferences(Object.entries(manifests).map(([name, manifest]) => ({ name, manifest })));
  if (differences.length && !options.allowMixed) {
    const what = differences.map((d) => `${d.field} (${Object.entries(d.values).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ')})`).join('; ');
    throw new RecError('E_CONFIG', `rec bench: the rows were measured under different protocols, so they do not belong in one table — ${what}`, {
      hint: 'Run every model with the same dataset, split, masking (--exclude-seen), cut-offs, seeds and beam/constraint, or pass --allow-mixed-protocols to put them in one table anyway (the differences are then listed under it).',
    });
  }
  const comparison = compareModels(
    rows.map((r) => ({ name: r.entry.name, runs: r.runs.map((x) => ({ seed: x.seed, metrics: x.metrics, seconds: x.seconds })), perUser: r.runs.map((x) => x.perUser), manifest: manifests[r.entry.name], ...sharedWith(r, rows) })),
    metrics,
    options.reference !== undefined ? { reference: options.reference } : {},
  );
  return { title: options.title, slug: options.slug, comparison, manifests, differences };
}

/** The row of this table whose runs `r` shares (same configuration), by name: shown but not ranked against it. */
function sharedWith(r: BenchRow, rows: readonly BenchRow[]): { sameAs?: string } {
  const other = r.sameAs === undefined ? undefined : rows.find((x) => x.entry.id === r.sameAs);
  return other ? { sameAs: other.entry.name } : {};
}
