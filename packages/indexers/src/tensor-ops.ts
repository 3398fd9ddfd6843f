import * as tf from '@tensorflow/tfjs-core';
// Small tensor helpers tfjs-core lacks or gets wrong on some backend: sg(·), a zero-safe row norm, a float one-hot.

const stop = tf.customGrad(((x: tf.Tensor) => ({
  value: tf.clone(x),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as unknown as Parameters<typeof tf.customGrad>[0]);

/**
 * sg(x): the value of `x` with a zero gradient (tfjs-core has no stop_gradient op). Used for the
 * straight-through estimators and the commitment / codebook terms.
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return stop(x) as T;
}

/** Row norms [n, 1] of x [n, D] with a finite gradient at zero: √(Σx² + ε). */
export function safeRowNorm(x: tf.Tensor2D, eps = 1e-12): tf.Tensor2D {
  return tf.tidy(() => tf.sqrt(tf.add(tf.sum(tf.square(x), 1, true), eps)) as tf.Tensor2D);
}

/** Float32 one-hot rows [n, depth] of int32 ids [n]: an int32 one-hot cast to float (the wasm backend's OneHot ignores a float dtype). */
export function oneHotFloat(ids: tf.Tensor1D, depth: number): tf.Tensor2D {
  return tf.tidy(() => tf.cast(tf.oneHot(tf.cast(ids, 'int32') as tf.Tensor1D, depth), 'float32') as tf.Tensor2D);
}
