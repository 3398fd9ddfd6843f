import * as tf from '@tensorflow/tfjs-core';

let installed = false;

/**
 * The wasm backend has no UnsortedSegmentSum kernel, which tfjs's GatherV2 gradient needs, so embedding
 * lookups cannot train there. Gradients are registered globally, so this wraps the stock gradient: on the
 * wasm backend (axis 0, batchDims 0 — the embedding case) dx = oneHot(indices)ᵀ · dy, otherwise the stock
 * gradient runs unchanged. Hand-written because no package provides it. Idempotent.
 */
export function installWasmGatherGradient(): void {
  if (installed) return;
  const stock = tf.getGradient('GatherV2');
  if (!stock) throw new Error('GatherV2 gradient missing: import register_all_gradients first');
  tf.registerGradient({
    kernelName: 'GatherV2',
    inputsToSave: stock.inputsToSave,
    gradFunc: (dy, saved, attrs) => {
      const { axis, batchDims } = attrs as unknown as { axis: number; batchDims: number };
      const [x, indices] = saved;
      if (tf.getBackend() !== 'wasm' || batchDims !== 0 || (axis !== 0 && axis !== -x.rank)) {
        return stock.gradFunc(dy, saved, attrs);
      }
      return {
        x: () => oneHotGatherGrad(dy as tf.Tensor, x, indices),
        indices: () => tf.zerosLike(indices),
      };
    },
  });
  installed = true;
}

/** dx for y = gather(x [N, ...rest], indices I) along axis 0: dy [...I, ...rest] → dx [N, ...rest]. */
export function oneHotGatherGrad(dy: tf.Tensor, x: tf.Tensor, indices: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const n = x.shape[0];
    const restSize = x.shape.slice(1).reduce((a, b) => a * b, 1);
    const flatIdx = tf.cast(tf.reshape(indices, [-1]), 'int32');
    const dy2 = tf.reshape(dy, [flatIdx.shape[0], restSize]);
    // wasm OneHot ignores its dtype attr, so build int32 and cast
    const ohT = tf.transpose(tf.cast(tf.oneHot(flatIdx, n), 'float32'));
    return tf.reshape(tf.matMul(ohT, dy2), x.shape);
  });
}
