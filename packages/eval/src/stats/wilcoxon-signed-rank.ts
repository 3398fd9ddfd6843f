import jStat from 'jstat';

export interface WilcoxonResult {
  /** min(W+, W−), the rank sums of the positive and negative differences (scipy's statistic). */
  readonly w: number;
  /** Rank sum of the positive differences. */
  readonly wPlus: number;
  /** Normal-approximation z of W+ (tie-corrected variance, no continuity correction). */
  readonly z: number;
  /** Two-sided p-value. */
  readonly p: number;
  /** Pairs left after dropping zero differences. */
  readonly nonZero: number;
}

/**
 * Wilcoxon signed-rank test on differences (as scipy.stats.wilcoxon with zero_method='wilcox',
 * method='approx', correction=False): zero differences are dropped, tied |d| get their average
 * rank, z = (W+ − n(n+1)/4) / sqrt(n(n+1)(2n+1)/24 − Σ(t³ − t)/48), p = 2·Φ(−|z|).
 * No non-zero difference gives z = 0, p = 1.
 */
export function wilcoxonSignedRank(diffs: ArrayLike<number>): WilcoxonResult {
  const d: number[] = [];
  for (let i = 0; i < diffs.length; i++) if (diffs[i] !== 0 && !Number.isNaN(diffs[i])) d.push(diffs[i]);
  const n = d.length;
  if (n === 0) return { w: 0, wPlus: 0, z: 0, p: 1, nonZero: 0 };
  const order = d.map((_, i) => i).sort((i, j) => Math.abs(d[i]) - Math.abs(d[j]));
  let wPlus = 0;
  let tieTerm = 0;
  for (let lo = 0; lo < n; ) {
    let hi = lo + 1;
    while (hi < n && Math.abs(d[order[hi]]) === Math.abs(d[order[lo]])) hi++;
    const rank = (lo + 1 + hi) / 2; // average of ranks lo+1 … hi
    const t = hi - lo;
    tieTerm += t * t * t - t;
    for (let i = lo; i < hi; i++) if (d[order[i]] > 0) wPlus += rank;
    lo = hi;
  }
  const total = (n * (n + 1)) / 2;
  const wMinus = total - wPlus;
  const mean = total / 2;
  const variance = (n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48;
  const z = variance > 0 ? (wPlus - mean) / Math.sqrt(variance) : 0;
  return { w: Math.min(wPlus, wMinus), wPlus, z, p: Math.min(1, 2 * jStat.normal.cdf(-Math.abs(z), 0, 1)), nonZero: n };
}
