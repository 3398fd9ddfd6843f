import * as tf from '@tensorflow/tfjs-core';
import { SasRec, gatherRows } from '@ed2/baselines';

/**
 * Per-row softmax cross-entropy `logsumexp(logits[i]) − logits[i, labels[i]]` with a hand-written gradient
 * `softmax(logits) · dy − onehot(labels) · dy`: 4 passes over [rows, items] forward (max, sub, exp, sum) and
 * 3 backward (mul, scatter, add), against ~16 for logSoftmax × oneHot with tfjs's autodiff.
 * logits: [rows, items]; labels: host ints in [0, items) → [rows].
 */
export function softmaxCrossEntropyRows(logits: tf.Tensor2D, labels: Int32Array): tf.Tensor1D {
  const [rows, items] = logits.shape;
  const flat = new Int32Array(rows);
  for (let i = 0; i < rows; i++) flat[i] = i * items + labels[i];
  const pairs = tf.tensor2d(Int32Array.from({ length: rows * 2 }, (_, j) => (j % 2 === 0 ? j / 2 : labels[(j - 1) / 2])), [rows, 2], 'int32');
  const picks = tf.tensor1d(flat, 'int32');
  const f = tf.customGrad(((lg: tf.Tensor2D, save: tf.GradSaveFunc) => {
    const m = tf.max(lg, 1, true);
    const e = tf.exp(tf.sub(lg, m));
    const s = tf.sum(e, 1, true);
    const picked = tf.gather(tf.reshape(lg, [rows * items]), picks);
    save([e, s, pairs]); // saved on the tape: the caller's tidy may dispose them before the backward pass
    return {
      value: tf.sub(tf.reshape(tf.add(tf.log(s), m), [rows]), picked),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [se, ss, sp] = saved;
        const d = tf.reshape(dy, [rows, 1]);
        return tf.add(tf.mul(se, tf.div(d, ss)), tf.scatterND(sp, tf.neg(tf.reshape(dy, [rows])), [rows, items]));
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(logits) as tf.Tensor1D;
}

/**
 * SasRec with the proposed CE loss: logits only for the positions that have a target (≈ 11% of the
 * [batch × maxLen] positions on Instruments, where most rows are left padding) and the fused
 * cross-entropy above. Same value and gradients as the shipped loss; BCE is unchanged.
 */
export class FusedCeSasRec extends SasRec {
  override loss(ids: tf.Tensor2D, targets: tf.Tensor2D, negatives: tf.Tensor2D | undefined, seed: number): tf.Scalar {
    if (this.options.loss !== 'ce') return super.loss(ids, targets, negatives, seed);
    const [b, l] = ids.shape;
    const t = targets.dataSync() as Int32Array; // host input data: nothing pending to wait for
    const positions: number[] = [];
    const labels: number[] = [];
    for (let i = 0; i < b * l; i++) {
      if (t[i] === 0) continue;
      positions.push(i);
      labels.push(t[i] - 1);
    }
    if (positions.length === 0) return tf.tidy(() => tf.mul(tf.sum(this.hidden(ids, true, seed)), 0) as tf.Scalar);
    return tf.tidy(() => {
      const h = tf.reshape(this.hidden(ids, true, seed), [b * l, this.options.dim]) as tf.Tensor2D;
      const hv = gatherRows(h, tf.tensor1d(positions, 'int32'));
      const logits = tf.matMul(hv, tf.slice(this.itemTable, [1, 0], [-1, -1]), false, true) as tf.Tensor2D;
      return tf.mean(softmaxCrossEntropyRows(logits, Int32Array.from(labels))) as tf.Scalar;
    });
  }
}
