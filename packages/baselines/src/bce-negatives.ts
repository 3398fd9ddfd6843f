import type { Rng } from '@ed2/core';
import { sampleNegative } from './sample-negative';

export interface BceNegativeOptions {
  readonly numItems: number;
  /** Row width of `inputs` / `targets` (left-padded, most recent last). */
  readonly width: number;
  /**
   * Probability that a position's negative is one of the items the model has read at that position (its
   * prefix), instead of a draw by `sampleNegative`. Under full ranking without masking the user's own items
   * compete with the target; this teaches the model to rank them below it.
   */
  readonly historyRate: number;
}

/**
 * One BCE negative (item id + 1; 0 where the target is padding) for every position of a batch of left-padded
 * rows: inputs / targets are Int32Array [rows, width] of item id + 1. `seenOf(row)` gives the set for the
 * 'unseen' sampler (undefined: any item but the target). A history draw picks uniformly among the row's
 * inputs up to and including the position, never the target; with nothing eligible it falls back to
 * `sampleNegative`.
 */
export function bceNegatives(
  rng: Rng,
  inputs: Int32Array,
  targets: Int32Array,
  o: BceNegativeOptions,
  seenOf: (row: number) => ReadonlySet<number> | undefined,
): Int32Array {
  const { width, numItems, historyRate } = o;
  const rows = targets.length / width;
  const out = new Int32Array(targets.length);
  for (let r = 0; r < rows; r++) {
    const off = r * width;
    let first = 0;
    while (first < width && inputs[off + first] === 0) first++;
    for (let j = 0; j < width; j++) {
      const y = targets[off + j];
      if (y === 0) continue;
      let neg = 0;
      if (historyRate > 0 && j >= first && rng.next() < historyRate) {
        // a few tries: a prefix of one item equal to the target (a repeat) has nothing to offer
        for (let t = 0; t < 4 && neg === 0; t++) {
          const cand = inputs[off + first + rng.int(j - first + 1)];
          if (cand !== y) neg = cand;
        }
      }
      out[off + j] = neg !== 0 ? neg : sampleNegative(rng, numItems, y - 1, seenOf(r)) + 1;
    }
  }
  return out;
}
