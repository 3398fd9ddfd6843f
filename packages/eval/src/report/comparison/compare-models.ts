import { RecError } from '@ed2/core';
import type { ProtocolManifest } from '../../protocol/protocol-manifest';
import { meanCi, type MeanCi } from '../../stats/mean-ci';
import { pairedTest } from '../../stats/paired-test';
import { averageDecrease } from './average-decrease';

/** One model (or ablation variant) of a comparison: its results over one or more seeds. */
export interface ComparisonInput {
  readonly name: string;
  /** Test metrics of each seed's run. */
  readonly runs: readonly { readonly seed: number; readonly metrics: Readonly<Record<string, number>>; readonly seconds?: number }[];
  /** Per-user test values of each seed's run (same order as `runs`). */
  readonly perUser: readonly { readonly users: readonly number[]; readonly values: Readonly<Record<string, readonly number[]>> }[];
  readonly manifest?: ProtocolManifest;
  /** Name of another row with the same configuration whose runs this row shares: shown, but not ranked against it. */
  readonly sameAs?: string;
}

export interface ComparisonRow {
  readonly name: string;
  readonly mean: Record<string, number>;
  /** Mean ± t-based 95% interval over the seeds (half width 0 with one seed). */
  readonly ci: Record<string, MeanCi>;
  readonly seeds: number[];
  /** Summed wall time of the row's runs (training + test), where known. */
  readonly seconds?: number;
  /** Avg.D against the reference row (ablation tables), in percent. */
  readonly avgD?: number;
  /** The row whose runs this one shares (not ranked: it would tie with them). */
  readonly sameAs?: string;
}

export interface MetricLeader {
  readonly best: string;
  readonly second?: string;
  /** (best − second) / second; undefined without a second row or when second is 0. */
  readonly improvement?: number;
  /** Paired test of best vs second on the per-user values (seed-averaged per user). */
  readonly test?: { readonly vs: string; readonly n: number; readonly tP: number; readonly t: number; readonly wilcoxonP: number; readonly wilcoxonZ: number };
}

export interface Comparison {
  readonly metrics: string[];
  readonly rows: ComparisonRow[];
  readonly leaders: Record<string, MetricLeader>;
  readonly significance: string;
  readonly reference?: string;
}

export const SIGNIFICANCE_NOTE =
  'Significance: two-sided paired t-test (scipy ttest_rel) and Wilcoxon signed-rank (normal approximation, zeros dropped) of the best row against the second-best row of each metric, on per-user test values (averaged over seeds per user); * marks p < 0.05 in the t-test.';

/**
 * A Table-1 style comparison: per metric, the mean (± 95% CI over seeds), the best and second-best
 * rows, the improvement of the best over the second, and their paired per-user significance (rows marked
 * `sameAs` share another row's runs and are not ranked). With
 * `reference` (an ablation's full model), every other row gets Avg.D against it.
 */
export function compareModels(inputs: readonly ComparisonInput[], metrics: readonly string[], options: { readonly reference?: string } = {}): Comparison {
  if (inputs.length === 0) throw new RecError('E_DATA_MISSING', 'compareModels: no rows to compare');
  const rows: ComparisonRow[] = inputs.map((r) => {
    if (r.runs.length === 0) throw new RecError('E_DATA_MISSING', `compareModels: row ${r.name} has no finished run`);
    const ci = Object.fromEntries(metrics.map((m) => [m, meanCi(r.runs.map((x) => metricOf(x.metrics, m, r.name)))]));
    const secs = r.runs.map((x) => x.seconds);
    return {
      name: r.name,
      mean: Object.fromEntries(metrics.map((m) => [m, ci[m].mean])),
      ci,
      seeds: r.runs.map((x) => x.seed),
      ...(r.sameAs !== undefined ? { sameAs: r.sameAs } : {}),
      ...(secs.every((s) => s !== undefined) ? { seconds: secs.reduce((a, b) => a + b!, 0) } : {}),
    };
  });
  const ref = options.reference === undefined ? undefined : rows.find((r) => r.name === options.reference);
  if (options.reference !== undefined && !ref) throw new RecError('E_CONFIG', `compareModels: reference row "${options.reference}" is not among ${rows.map((r) => r.name).join(', ')}`);
  const withD = ref ? rows.map((r) => (r === ref ? r : { ...r, avgD: averageDecrease(ref.mean, r.mean, metrics) })) : rows;
  const leaders: Record<string, MetricLeader> = {};
  for (const m of metrics) {
    const order = withD.filter((r) => r.sameAs === undefined).sort((a, b) => b.mean[m] - a.mean[m]);
    const [best, second] = order;
    const improvement = second && second.mean[m] !== 0 ? (best.mean[m] - second.mean[m]) / second.mean[m] : undefined;
    let test: MetricLeader['test'];
    if (second) {
      const a = seedAveraged(inputs.find((r) => r.name === best.name)!, m);
      const b = seedAveraged(inputs.find((r) => r.name === second.name)!, m);
      if (a && b) {
        const r = pairedTest(a, b, m);
        test = { vs: second.name, n: r.n, t: r.tTest.t, tP: r.tTest.p, wilcoxonZ: r.wilcoxon.z, wilcoxonP: r.wilcoxon.p };
      }
    }
    leaders[m] = { best: best.name, ...(second ? { second: second.name } : {}), ...(improvement !== undefined ? { improvement } : {}), ...(test ? { test } : {}) };
  }
  return { metrics: [...metrics], rows: withD, leaders, significance: SIGNIFICANCE_NOTE, ...(ref ? { reference: ref.name } : {}) };
}

function metricOf(values: Readonly<Record<string, number>>, m: string, row: string): number {
  const v = values[m];
  if (v === undefined) throw new RecError('E_CONFIG', `row ${row} has no test metric "${m}"; it has ${Object.keys(values).join(', ')}`, { hint: 'Run with --ks covering the compared cut-offs (e.g. --ks 1,5,10).' });
  return v;
}

/** Per-user values of one metric averaged over the row's seeds (users present in every seed). */
function seedAveraged(r: ComparisonInput, m: string): { users: Int32Array; perCase: Record<string, Float64Array> } | undefined {
  if (r.perUser.length === 0 || r.perUser.some((p) => !p.values[m])) return undefined;
  const sums = new Map<number, { s: number; n: number }>();
  for (const p of r.perUser) {
    const v = p.values[m];
    p.users.forEach((u, i) => {
      const e = sums.get(u) ?? { s: 0, n: 0 };
      e.s += v[i];
      e.n += 1;
      sums.set(u, e);
    });
  }
  const users = [...sums.entries()].filter(([, e]) => e.n === r.perUser.length).map(([u]) => u);
  return { users: Int32Array.from(users), perCase: { [m]: Float64Array.from(users, (u) => sums.get(u)!.s / r.perUser.length) } };
}
