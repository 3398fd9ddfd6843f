/**
 * Avg.D of the ED² paper's ablation tables: the mean relative decrease of a variant against the full
 * model over the reported metrics, in percent — Avg.D = 100 · (1/|M|) · Σ_m (full_m − variant_m) / full_m.
 * Positive: the variant is worse than the full model on average. A metric where the full model scores 0
 * has no relative change and is left out; none left gives NaN.
 */
export function averageDecrease(full: Readonly<Record<string, number>>, variant: Readonly<Record<string, number>>, metrics: readonly string[]): number {
  const terms = metrics.filter((m) => full[m] !== undefined && variant[m] !== undefined && full[m] !== 0).map((m) => (full[m] - variant[m]) / full[m]);
  return terms.length ? (100 * terms.reduce((s, v) => s + v, 0)) / terms.length : NaN;
}
