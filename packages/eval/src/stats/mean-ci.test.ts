import { describe, expect, it } from 'vitest';
import { meanCi } from './mean-ci';

// Reference values from SciPy 1.17.1:
//   stats.t.ppf(0.975, df) for df = 1, 2, 3, 4, 9, 29
//   x = [0.1012, 0.0987, 0.1043, 0.0968]; stats.t.interval(0.95, 3, loc=x.mean(), scale=stats.sem(x))
//     → (0.09508485271746858, 0.10541514728253143), half width 0.00516514728253142
//   x = [0.25, 0.5]; stats.t.interval(0.95, 1, ...) → (-1.2132755920218368, 1.9632755920218368)
const T975: Record<number, number> = { 1: 12.706204736174694, 2: 4.302652729749462, 3: 3.1824463052837078, 4: 2.7764451051977934, 9: 2.262157162798205, 29: 2.045229642132703 };

describe('meanCi', () => {
  it('uses the t quantile of scipy.stats.t.ppf(0.975, n − 1)', () => {
    for (const [df, q] of Object.entries(T975)) {
      const n = Number(df) + 1;
      // halfWidth / (sd / √n) is the quantile itself, for any spread
      const values = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : -1));
      const r = meanCi(values);
      const sd = Math.sqrt(values.reduce((s, v) => s + (v - r.mean) ** 2, 0) / (n - 1));
      // jstat's inverse t is accurate to ~1e-8, far below the 4 decimals a table shows
      expect(r.halfWidth / (sd / Math.sqrt(n))).toBeCloseTo(q, 7);
    }
  });

  it('matches scipy.stats.t.interval on fixed arrays', () => {
    const r = meanCi([0.1012, 0.0987, 0.1043, 0.0968]);
    expect(r.mean).toBeCloseTo(0.10025, 12);
    expect(r.lower).toBeCloseTo(0.09508485271746858, 9);
    expect(r.upper).toBeCloseTo(0.10541514728253143, 9);
    expect(r.halfWidth).toBeCloseTo(0.00516514728253142, 9);
    const two = meanCi([0.25, 0.5]);
    expect(two.lower).toBeCloseTo(-1.2132755920218368, 8);
    expect(two.upper).toBeCloseTo(1.9632755920218368, 8);
  });

  it('one value has no interval (half width 0, n 1); none gives NaN', () => {
    expect(meanCi([0.3])).toMatchObject({ mean: 0.3, halfWidth: 0, n: 1 });
    expect(meanCi([]).mean).toBeNaN();
  });
});
