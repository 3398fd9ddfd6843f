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
 * are subtracted from the count (gathered, not masked: masking costs O(history), not O(items)).
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
  const seen = seenMatrix(options.exclude, flat, targets, n);
  const ranks = tf.tidy(() => {
    const s: tf.Tensor = scores.dtype === 'float32' ? scores : tf.cast(scores, 'float32');
    const all = tf.reshape(s, [b * n]);
    const target = tf.expandDims(tf.gather(all, tf.tensor1d(flat, 'int32')), 1);
    const countType = n < FLOAT_EXACT ? 'float32' : 'int32';
    // NaN compares false: a NaN item is never counted, a NaN target counts 0 (fixed below)
    let count = tf.sum(tf.cast(tf.greaterEqual(s, target), countType), 1);
    let worst: tf.Tensor = tf.scalar(n, countType);
    if (seen) {
      // an excluded item scoring ≥ the target was counted above it: take it out again
      const idx = tf.tensor2d(seen.index, [b, seen.width], 'int32');
      const valid = tf.tensor2d(seen.valid, [b, seen.width], countType);
      count = tf.sub(count, tf.sum(tf.mul(tf.cast(tf.greaterEqual(tf.gather(all, idx), target), countType), valid), 1));
      worst = tf.sub(worst, tf.sum(valid, 1));
    }
    return tf.cast(tf.where(tf.isNaN(tf.squeeze(target, [1])), worst, count), 'int32'); // NaN target: last
  });
  try {
    return (await ranks.data()) as Int32Array;
  } finally {
    ranks.dispose();
  }
}

/**
 * Excluded items as a padded `[batch, width]` matrix of flat score indices (distinct, target
 * removed; padding points at the target and is switched off by `valid`), or undefined if none.
 */
function seenMatrix(exclude: RanksFromScoresOptions['exclude'], flat: Int32Array, targets: ArrayLike<number>, n: number) {
  if (!exclude) return undefined;
  const b = flat.length;
  if (exclude.length !== b) throw new RecError('E_SHAPE', `exclude has ${exclude.length} rows but scores have ${b}`);
  const rows: number[][] = [];
  let width = 0;
  for (let i = 0; i < b; i++) {
    const items = new Set<number>();
    for (const item of exclude[i]) {
      if (!Number.isInteger(item) || item < 0 || item >= n) throw new RecError('E_DATA_FORMAT', `history item ${item} of case ${i} is outside [0, ${n})`);
      if (item !== targets[i]) items.add(item);
    }
    rows.push([...items]);
    width = Math.max(width, items.size);
  }
  if (width === 0) return undefined;
  const index = new Int32Array(b * width);
  const valid = new Float32Array(b * width);
  for (let i = 0; i < b; i++) {
    for (let j = 0; j < width; j++) {
      const has = j < rows[i].length;
      index[i * width + j] = has ? i * n + rows[i][j] : flat[i];
      valid[i * width + j] = has ? 1 : 0;
    }
  }
  return { index, valid, width };
}
