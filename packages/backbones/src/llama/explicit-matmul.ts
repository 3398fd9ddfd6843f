import * as tf from '@tensorflow/tfjs-core';

/**
 * Matrix products whose gradients use explicit transposes instead of transposeA/transposeB flags: the wasm
 * backend's transposed (batched) matmul is an order of magnitude slower than a transpose plus a plain matmul,
 * and tfjs's built-in MatMul gradient uses the flags. Hand-written because no package provides this.
 */

function swapLast(x: tf.Tensor): tf.Tensor {
  const perm = x.shape.map((_, i) => i);
  const n = perm.length;
  [perm[n - 2], perm[n - 1]] = [perm[n - 1], perm[n - 2]];
  return tf.transpose(x, perm);
}

/** a [..., m, k] · b [..., k, n] (same leading dims), both differentiable. */
export const matMulExplicit = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => [
      tf.matMul(dy as tf.Tensor, swapLast(saved[1])),
      tf.matMul(swapLast(saved[0]), dy as tf.Tensor),
    ],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/**
 * x [n, in] · w [in, out] for a frozen w: only x gets a gradient, dy · wT with a precomputed wT [out, in]
 * (no gradient is ever formed for the frozen weight).
 */
export function frozenLinear(x: tf.Tensor2D, w: tf.Tensor2D, wT: tf.Tensor2D): tf.Tensor2D {
  const f = tf.customGrad(((xx: tf.Tensor) => ({
    value: tf.matMul(xx as tf.Tensor2D, w),
    gradFunc: (dy: tf.Tensor | tf.Tensor[]) => [tf.matMul(dy as tf.Tensor2D, wT)],
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(x) as tf.Tensor2D;
}
