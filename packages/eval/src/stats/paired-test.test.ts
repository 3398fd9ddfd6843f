import { describe, expect, it } from 'vitest';
import { RecError } from '@ed2/core';
import { pairedTTest } from './paired-t-test';
import { pairedTest } from './paired-test';
import { wilcoxonSignedRank } from './wilcoxon-signed-rank';

// Reference values computed once with SciPy 1.17.1:
//   a = np.array([7,3,5,2,4,4,6,1,5,0,6,3,8,2,5,4]) / 8
//   b = np.array([4,3,2,5,1,6,3,1,1,2,2,0,4,2,6,1]) / 8
//   scipy.stats.ttest_rel(a, b) → statistic 2.2484906729641296, pvalue 0.04000381204860679, df 15
//   scipy.stats.wilcoxon(a, b, zero_method='wilcox', method='approx', correction=False)
//     → statistic 13.0, pvalue 0.02062416181462445, zstatistic −2.3147948518362287
// (eighths are exact in binary, so the differences and their ties are identical in JS and NumPy;
// three zero differences are dropped and |d| has several tied groups).
const A = [7, 3, 5, 2, 4, 4, 6, 1, 5, 0, 6, 3, 8, 2, 5, 4].map((x) => x / 8);
const B = [4, 3, 2, 5, 1, 6, 3, 1, 1, 2, 2, 0, 4, 2, 6, 1].map((x) => x / 8);
// Hit-rate style 0/1 values, SciPy 1.17.1:
//   ttest_rel → statistic 2.6658713826828992, pvalue 0.015271361252156215, df 19
//   wilcoxon(…same options…) → statistic 5.0, pvalue 0.019630657257290667, zstatistic −2.3333333333333335
const H1 = [1, 1, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 0, 1, 1, 1];
const H2 = [0, 1, 0, 0, 0, 1, 0, 1, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0];

const diff = (x: number[], y: number[]) => x.map((v, i) => v - y[i]);

describe('pairedTTest', () => {
  it('matches scipy.stats.ttest_rel', () => {
    const r = pairedTTest(diff(A, B));
    expect(r.t).toBeCloseTo(2.2484906729641296, 12);
    expect(r.df).toBe(15);
    expect(r.p).toBeCloseTo(0.04000381204860679, 10);
    const h = pairedTTest(diff(H1, H2));
    expect(h.t).toBeCloseTo(2.6658713826828992, 12);
    expect(h.p).toBeCloseTo(0.015271361252156215, 10);
  });

  it('identical results give t = 0, p = 1; a constant non-zero difference gives p = 0', () => {
    expect(pairedTTest([0, 0, 0])).toEqual({ t: 0, df: 2, p: 1 });
    expect(pairedTTest([0.5, 0.5, 0.5])).toEqual({ t: Infinity, df: 2, p: 0 });
  });
});

describe('wilcoxonSignedRank', () => {
  it('matches scipy.stats.wilcoxon (zeros dropped, average ranks for ties, tie-corrected normal approximation)', () => {
    const r = wilcoxonSignedRank(diff(A, B));
    expect(r.nonZero).toBe(13);
    expect(r.w).toBe(13);
    expect(r.z).toBeCloseTo(2.3147948518362287, 12); // W+ side; SciPy reports the W− side's sign
    expect(r.p).toBeCloseTo(0.02062416181462445, 10);
    const h = wilcoxonSignedRank(diff(H1, H2));
    expect(h.w).toBe(5);
    expect(h.z).toBeCloseTo(2.3333333333333335, 12);
    expect(h.p).toBeCloseTo(0.019630657257290667, 10);
  });

  it('is antisymmetric in the sign of the differences, and gives p = 1 when all differences are 0', () => {
    const r = wilcoxonSignedRank(diff(B, A));
    expect(r.z).toBeCloseTo(-2.3147948518362287, 12);
    expect(r.p).toBeCloseTo(0.02062416181462445, 10);
    expect(wilcoxonSignedRank([0, 0])).toEqual({ w: 0, wPlus: 0, z: 0, p: 1, nonZero: 0 });
  });
});

describe('pairedTest', () => {
  it('aligns per-user values by user id, ignoring users found in only one result', () => {
    const users = A.map((_, i) => 10 + i);
    const a = { users: Int32Array.from(users), perCase: { 'ndcg@10': Float64Array.from(A) } };
    // b lists the same users in reverse order plus one user a lacks
    const b = { users: Int32Array.from([999, ...[...users].reverse()]), perCase: { 'ndcg@10': Float64Array.from([1, ...[...B].reverse()]) } };
    const r = pairedTest(a, b, 'ndcg@10');
    expect(r.n).toBe(16);
    expect(r.meanA).toBeCloseTo(A.reduce((s, x) => s + x) / 16, 15);
    expect(r.meanB).toBeCloseTo(B.reduce((s, x) => s + x) / 16, 15);
    expect(r.meanDiff).toBeCloseTo(r.meanA - r.meanB, 15);
    expect(r.tTest.t).toBeCloseTo(2.2484906729641296, 12);
    expect(r.wilcoxon.p).toBeCloseTo(0.02062416181462445, 10);
  });

  it('names a missing metric, a duplicate user, and disjoint users', () => {
    const a = { users: Int32Array.from([1, 2]), perCase: { 'hr@10': Float64Array.from([1, 0]) } };
    expect(() => pairedTest(a, a, 'ndcg@10')).toThrow(/no per-case values for "ndcg@10"; it has hr@10/);
    const dup = { users: Int32Array.from([1, 1]), perCase: { 'hr@10': Float64Array.from([1, 0]) } };
    expect(() => pairedTest(a, dup, 'hr@10')).toThrow(/user 1 appears twice/);
    const other = { users: Int32Array.from([3, 4]), perCase: { 'hr@10': Float64Array.from([1, 0]) } };
    let err: unknown;
    try {
      pairedTest(a, other, 'hr@10');
    } catch (e) {
      err = e;
    }
    expect(RecError.is(err, 'E_DATA_MISSING')).toBe(true);
  });
});
