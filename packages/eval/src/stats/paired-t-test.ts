import jStat from 'jstat';

export interface TTestResult {
  /** t statistic of the mean difference. */
  readonly t: number;
  /** Degrees of freedom, n − 1. */
  readonly df: number;
  /** Two-sided p-value. */
  readonly p: number;
}

/**
 * Paired t-test on differences d = a − b (two-sided, as scipy.stats.ttest_rel). When every
 * difference is equal the variance is 0: t = 0 and p = 1 if they are all zero (identical
 * results), t = ±∞ and p = 0 otherwise. Fewer than two pairs give NaN.
 */
export function pairedTTest(diffs: ArrayLike<number>): TTestResult {
  const n = diffs.length;
  const df = n - 1;
  if (n < 2) return { t: NaN, df, p: NaN };
  let mean = 0;
  for (let i = 0; i < n; i++) mean += diffs[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (diffs[i] - mean) ** 2;
  const se = Math.sqrt(ss / df / n);
  if (se === 0) return mean === 0 ? { t: 0, df, p: 1 } : { t: Math.sign(mean) * Infinity, df, p: 0 };
  const t = mean / se;
  return { t, df, p: Math.min(1, 2 * jStat.studentt.cdf(-Math.abs(t), df)) };
}
