import * as tf from '@tensorflow/tfjs-core';
import { RecError } from '@ed2/core';

export interface RanksFromScoresOptions {
  /**
   * Per row, item ids to leave out of the ranking (the user's history, for `excludeSeen`), as if
   * they scored −∞ and ranked below everything; the row's target itself is never left out. Omit to
   * rank over every item (the paper's protocol).
   */
  readonly exclude?: readonly (readonly number[])[];
}

/** float32 sums of 0/1 are exact below 2^24 items; beyond that count in int32 (slower). */
const FLOAT_EXACT = 1 << 24;

/**
 * 1-based rank of each row's target in `scores` `[batch, numItems]`, computed on the tfjs backend;
 * only `[batch]` vectors are read back. Ties are pessimistic:
 * rank = 1 + #(items scoring above the target) + #(other items scoring equal to it), i.e. the
 * number of items scoring ≥ the target, so a constant model ranks every target last rather than
 * first. NaN scores rank below every number (−∞ included); a NaN target ranks last. Excluded items
 * are subtracted from the count (gathered, not masked, so masking costs O(history), not O(items)).
 * The caller owns `scores`.
 */
export async function ranksFromScores(scores: tf.Tensor2D, targets: ArrayLike<number>, options: RanksFromScoresOptions = {}): Promise<Int32Array> {
  if (scores.rank !== 2) throw new RecError('E_SHAPE', `scores must be [batch, numItems], got shape [${scores.shape.join(', ')}]`);
  const [b, n] = scores.shape;
  if (targets.length !== b) throw new RecError('E_SHAPE', `scores have ${b} rows but ${targets.length} targets were given`);
  const flat = new Int32Array(b);
  for (let i = 0; i < b; i++) {
    const t = targets[i];
    if (!Number.isInteger(t) || t < 0 || t >= n) throw new RecError('E_DATA_FORMAT', `target item ${t} of case ${i} is outside [0, ${n}) (numItems from the scores)`);
    flat[i] = i * n + t;
  }
  const seen = seenPairs(options.exclude, targets, b, n);
  const [counts, targetScores, seenScores] = tf.tidy(() => {
    const s: tf.Tensor = scores.dtype === 'float32' ? scores : tf.cast(scores, 'float32');
    const all = tf.reshape(s, [b * n]);
    const target = tf.gather(all, tf.tensor1d(flat, 'int32'));
    // NaN compares false: a NaN item is never counted, a NaN target counts 0 (fixed below)
    const ge = tf.cast(tf.greaterEqual(s, tf.expandDims(target, 1)), n < FLOAT_EXACT ? 'float32' : 'int32');
    const out: tf.Tensor[] = [tf.sum(ge, 1), target];
    if (seen) out.push(tf.gather(all, tf.tensor1d(seen.flat, 'int32')));
    return out;
  });
  try {
    const [c, t, h] = await Promise.all([counts.data(), targetScores.data(), seenScores?.data()]);
    const ranks = Int32Array.from(c);
    if (seen && h) {
      // an excluded item that scored ≥ the target was counted above it: take it out again
      for (let j = 0; j < seen.rows.length; j++) if (h[j] >= t[seen.rows[j]]) ranks[seen.rows[j]]--;
    }
    for (let i = 0; i < b; i++) if (Number.isNaN(t[i])) ranks[i] = n - (seen?.perRow[i] ?? 0); // NaN target: last
    return ranks;
  } finally {
    tf.dispose([counts, targetScores, ...(seenScores ? [seenScores] : [])]);
  }
}

/** Distinct excluded (row, item) pairs other than the target: flat indices, their rows, count per row. */
function seenPairs(exclude: RanksFromScoresOptions['exclude'], targets: ArrayLike<number>, b: number, n: number) {
  if (!exclude) return undefined;
  if (exclude.length !== b) throw new RecError('E_SHAPE', `exclude has ${exclude.length} rows but scores have ${b}`);
  const flat: number[] = [];
  const rows: number[] = [];
  const perRow = new Int32Array(b);
  for (let i = 0; i < b; i++) {
    const items = new Set<number>();
    for (const item of exclude[i]) {
      if (!Number.isInteger(item) || item < 0 || item >= n) throw new RecError('E_DATA_FORMAT', `history item ${item} of case ${i} is outside [0, ${n})`);
      if (item !== targets[i]) items.add(item);
    }
    for (const item of items) {
      flat.push(i * n + item);
      rows.push(i);
    }
    perRow[i] = items.size;
  }
  return flat.length ? { flat: Int32Array.from(flat), rows: Int32Array.from(rows), perRow } : undefined;
}
