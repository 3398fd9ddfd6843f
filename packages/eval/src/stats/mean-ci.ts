import jStat from 'jstat';

export interface MeanCi {
  readonly mean: number;
  /** Half width of the interval: t(1 − α/2, n − 1) · s / √n (0 for a single value, where no interval exists). */
  readonly halfWidth: number;
  readonly lower: number;
  readonly upper: number;
  /** Sample standard deviation (n − 1 denominator); 0 for a single value. */
  readonly sd: number;
  readonly n: number;
  readonly level: number;
}

/**
 * Mean and t-based confidence interval over independent repetitions (e.g. seeds), as
 * scipy.stats.t.interval(level, n − 1, loc=mean, scale=sem). One value has no spread to estimate:
 * its half width is reported as 0 (and `n: 1` says so), not NaN, so tables still render.
 */
export function meanCi(values: readonly number[], level = 0.95): MeanCi {
  const n = values.length;
  if (n === 0) return { mean: NaN, halfWidth: NaN, lower: NaN, upper: NaN, sd: NaN, n, level };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (n === 1) return { mean, halfWidth: 0, lower: mean, upper: mean, sd: 0, n, level };
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  const halfWidth = jStat.studentt.inv(1 - (1 - level) / 2, n - 1) * (sd / Math.sqrt(n));
  return { mean, halfWidth, lower: mean - halfWidth, upper: mean + halfWidth, sd, n, level };
}
