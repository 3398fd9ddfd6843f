import type { ItemRanking } from '@ed2/core';
import { RecError } from '@ed2/core';

/**
 * 1-based rank of each target in top-k lists (generative models' `recommend`): its position among
 * the first `k` items, or `k + 1` when absent (every metric with K ≤ k is then 0). With `exclude`
 * (excludeSeen), the row's history items other than the target are dropped from the list first —
 * the list is not refilled, so the result is a lower bound when the model returns seen items.
 */
export function ranksFromRankings(rankings: readonly ItemRanking[], targets: ArrayLike<number>, k: number, exclude?: readonly (readonly number[])[]): Int32Array {
  if (rankings.length !== targets.length) throw new RecError('E_SHAPE', `recommend returned ${rankings.length} rankings for ${targets.length} cases`);
  if (exclude && exclude.length !== targets.length) throw new RecError('E_SHAPE', `exclude has ${exclude.length} rows for ${targets.length} cases`);
  const out = new Int32Array(targets.length);
  for (let i = 0; i < targets.length; i++) {
    const target = targets[i];
    const seen = exclude ? new Set(exclude[i]) : undefined;
    let pos = 0;
    let rank = k + 1;
    for (const item of rankings[i].items) {
      if (pos >= k) break;
      if (seen && item !== target && seen.has(item)) continue;
      pos++;
      if (item === target) {
        rank = pos;
        break;
      }
    }
    out[i] = rank;
  }
  return out;
}
