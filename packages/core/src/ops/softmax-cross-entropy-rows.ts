import * as tf from '@tensorflow/tfjs-core';
import { RecError } from '../errors/rec-error';

/**
 * Per-row softmax cross-entropy `logsumexp(logits[i]) − logits[i, labels[i]]` with a hand-written
 * gradient `softmax(logits)·dy − onehot(labels)·dy`: a few passes over [rows, items] instead of the ~16
 * that `logSoftmax × oneHot` costs through autodiff (the idea came out of bench/baselines/speed; shared by the baselines' CE and the LLaMA response NLL).
 * logits: [rows, items]; labels: host ints in [0, items) → [rows]. Hand-written: tfjs's
 * `losses.softmaxCrossEntropy` needs a dense one-hot label matrix.
 */
export function softmaxCrossEntropyRows(logits: tf.Tensor2D, labels: Int32Array): tf.Tensor1D {
  const [rows, items] = logits.shape;
  if (labels.length !== rows) {
    throw new RecError('E_SHAPE', `softmaxCrossEntropyRows: ${labels.length} labels for ${rows} logit rows`, { hint: 'pass one label per row of logits' });
  }
  const flat = new Int32Array(rows);
  const pairs = new Int32Array(rows * 2);
  for (let i = 0; i < rows; i++) {
    if (!(labels[i] >= 0 && labels[i] < items)) {
      throw new RecError('E_SHAPE', `softmaxCrossEntropyRows: label ${labels[i]} of row ${i} is outside [0, ${items})`, { hint: 'labels are 0-based class (item/token) indices into the logits columns' });
    }
    flat[i] = i * items + labels[i];
    pairs[2 * i] = i;
    pairs[2 * i + 1] = labels[i];
  }
  const f = tf.customGrad(((lg: tf.Tensor2D, save: tf.GradSaveFunc) => {
    const picks = tf.tensor1d(flat, 'int32');
    const where = tf.tensor2d(pairs, [rows, 2], 'int32');
    const m = tf.max(lg, 1, true);
    const e = tf.exp(tf.sub(lg, m));
    const s = tf.sum(e, 1, true);
    const picked = tf.gather(tf.reshape(lg, [rows * items]), picks);
    save([e, s, where]); // kept on the tape: the caller's tidy may dispose them before the backward pass
    return {
      value: tf.sub(tf.reshape(tf.add(tf.log(s), m), [rows]), picked),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [se, ss, sw] = saved;
        const d = tf.reshape(dy, [rows, 1]);
        return tf.add(tf.mul(se, tf.div(d, ss)), tf.scatterND(sw, tf.neg(tf.reshape(dy, [rows])), [rows, items]));
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(logits) as tf.Tensor1D;
}
