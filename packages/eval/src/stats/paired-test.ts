import { RecError } from '@ed2/core';
import type { EvalResult } from '../evaluator/eval-result';
import { pairedTTest, type TTestResult } from './paired-t-test';
import { wilcoxonSignedRank, type WilcoxonResult } from './wilcoxon-signed-rank';

export interface PairedTestResult {
  readonly metric: string;
  /** Users present in both results. */
  readonly n: number;
  readonly meanA: number;
  readonly meanB: number;
  /** mean(a − b) over the paired users. */
  readonly meanDiff: number;
  readonly tTest: TTestResult;
  readonly wilcoxon: WilcoxonResult;
}

type PerUser = Pick<EvalResult, 'perCase' | 'users'>;

/**
 * Paired significance of `a` vs `b` on one metric: per-user values aligned by user id (users in
 * only one result are left out), paired t-test and Wilcoxon signed-rank, both two-sided.
 */
export function pairedTest(a: PerUser, b: PerUser, metric: string): PairedTestResult {
  const va = values(a, metric, 'a');
  const vb = values(b, metric, 'b');
  const index = userIndex(b.users, 'b');
  userIndex(a.users, 'a');
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < a.users.length; i++) {
    const j = index.get(a.users[i]);
    if (j === undefined) continue;
    xs.push(va[i]);
    ys.push(vb[j]);
  }
  const n = xs.length;
  if (n === 0) throw new RecError('E_DATA_MISSING', `pairedTest(${metric}): the two results share no user id`);
  const diffs = xs.map((x, i) => x - ys[i]);
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  return { metric, n, meanA: mean(xs), meanB: mean(ys), meanDiff: mean(diffs), tTest: pairedTTest(diffs), wilcoxon: wilcoxonSignedRank(diffs) };
}

function values(r: PerUser, metric: string, which: string): Float64Array {
  const v = r.perCase[metric];
  if (!v) throw new RecError('E_CONFIG', `pairedTest: result ${which} has no per-case values for "${metric}"; it has ${Object.keys(r.perCase).join(', ') || 'none'}`);
  if (v.length !== r.users.length) throw new RecError('E_SHAPE', `pairedTest: result ${which} has ${v.length} values of ${metric} for ${r.users.length} users`);
  return v;
}

function userIndex(users: Int32Array, which: string): Map<number, number> {
  const index = new Map<number, number>();
  users.forEach((u, i) => {
    if (index.has(u)) throw new RecError('E_DATA_FORMAT', `pairedTest: user ${u} appears twice in result ${which}; per-user pairing needs one case per user`);
    index.set(u, i);
  });
  return index;
}
