import * as tf from '@tensorflow/tfjs-core';
import { RecError } from '@ed2/core';

export interface RanksFromScoresOptions {
  /**
   * Per row, item ids to mask (the user's history, for `excludeSeen`): they get −∞ unless the id
   * is the row's target. Omit to rank over every item (the paper's protocol).
   */
  readonly exclude?: readonly (readonly number[])[];
}

/**
 * 1-based rank of each row's target in `scores` `[batch, numItems]`, computed on the tfjs backend;
 * only the `[batch]` rank vector is read back. Ties are pessimistic:
 * rank = 1 + #(items scoring above the target) + #(other items scoring equal to it), i.e. the
 * number of items scoring ≥ the target, so a constant model ranks every target last rather than
 * first. NaN scores count as −∞ (worst); a NaN target therefore ranks last. The caller owns `scores`.
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
  const masked = maskPairs(options.exclude, targets, b, n);
  const ranks = tf.tidy(() => {
    let s: tf.Tensor = scores.dtype === 'float32' ? scores : tf.cast(scores, 'float32');
    const negInf = tf.scalar(-Infinity);
    s = tf.where(tf.isNaN(s), negInf, s);
    if (masked) {
      const hit = tf.scatterND(tf.tensor2d(masked, [masked.length / 2, 2], 'int32'), tf.ones([masked.length / 2]), [b, n]);
      s = tf.where(tf.greater(hit, 0), negInf, s);
    }
    const target = tf.gather(tf.reshape(s, [b * n]), tf.tensor1d(flat, 'int32'));
    return tf.sum(tf.cast(tf.greaterEqual(s, tf.expandDims(target, 1)), 'int32'), 1);
  });
  try {
    return (await ranks.data()) as Int32Array;
  } finally {
    ranks.dispose();
  }
}

/** Flattened `[row, item]` pairs to mask (history items other than the target), or undefined if none. */
function maskPairs(exclude: RanksFromScoresOptions['exclude'], targets: ArrayLike<number>, b: number, n: number): Int32Array | undefined {
  if (!exclude) return undefined;
  if (exclude.length !== b) throw new RecError('E_SHAPE', `exclude has ${exclude.length} rows but scores have ${b}`);
  const pairs: number[] = [];
  for (let i = 0; i < b; i++) {
    for (const item of exclude[i]) {
      if (!Number.isInteger(item) || item < 0 || item >= n) throw new RecError('E_DATA_FORMAT', `history item ${item} of case ${i} is outside [0, ${n})`);
      if (item !== targets[i]) pairs.push(i, item);
    }
  }
  return pairs.length ? Int32Array.from(pairs) : undefined;
}
