import type { Rng } from '@ed2/core';

/**
 * One BCE negative (0-based item id) for a position whose target is `target` (0-based). With `seen` (the
 * user's training items) it is drawn outside them, as the original SASRec sampler; without it, any item but
 * the target. Falls back to any item when nothing else is left.
 */
export function sampleNegative(rng: Rng, numItems: number, target: number, seen?: ReadonlySet<number>): number {
  let item = rng.int(numItems);
  if (seen) {
    while (seen.has(item) && seen.size < numItems) item = rng.int(numItems);
  } else {
    while (item === target && numItems > 1) item = rng.int(numItems);
  }
  return item;
}
