import * as tf from '@tensorflow/tfjs-core';

/**
 * `table[ids]` with a gradient that is fast on every backend: tfjs's own gather gradient is extremely
 * slow on `cpu` and missing on `wasm`, so the gradient is `unsortedSegmentSum` on `tensorflow` (native)
 * and the dense `oneHot(ids)ᵀ · dy` product elsewhere. Hand-written because no package offers this.
 * table: [rows, dim]; ids: int32 [n] → [n, dim].
 */
export function gatherRows(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  const rows = table.shape[0];
  // `ids` is saved on the tape: the caller's tidy may dispose it before the backward pass runs.
  const f = tf.customGrad(((t: tf.Tensor, save: tf.GradSaveFunc) => {
    save([ids]);
    return {
      value: tf.gather(t as tf.Tensor2D, ids),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const idx = tf.cast(saved[0], 'int32') as tf.Tensor1D;
        return tf.getBackend() === 'tensorflow'
          ? tf.unsortedSegmentSum(dy, idx, rows)
          : tf.matMul(tf.oneHot(idx, rows, 1, 0, 'float32'), dy as tf.Tensor2D, true, false);
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(table) as tf.Tensor2D;
}
