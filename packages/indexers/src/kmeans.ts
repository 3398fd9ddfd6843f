import * as tf from '@tensorflow/tfjs-core';
import { oneHotFloat } from './tensor-ops';
import type { Rng } from '@ed2/core';

/** Squared Euclidean distances [n, k] between rows of a [n, D] and b [k, D]. */
export function squaredDistances(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const aa = tf.sum(tf.square(a), 1, true);
    const bb = tf.reshape(tf.sum(tf.square(b), 1), [1, -1]);
    return tf.relu(tf.add(tf.sub(aa, tf.mul(2, tf.matMul(a, b, false, true))), bb)) as tf.Tensor2D;
  });
}

/**
 * Lloyd's k-means on the rows of `x` [n, D] with k centroids initialised from k distinct random rows
 * (rows are repeated when n < k), `iters` iterations; an emptied cluster is re-seeded from a random row.
 * Returns the centroids [k, D] (caller disposes). Deterministic given `rng`.
 */
export function kmeans(x: tf.Tensor2D, k: number, iters: number, rng: Rng): tf.Tensor2D {
  const n = x.shape[0];
  const perm = rng.permutation(n);
  const init = Int32Array.from({ length: k }, (_, i) => perm[i % n]);
  let centroids = tf.gather(x, init) as tf.Tensor2D;
  if (n < k) {
    const jitter = tf.tidy(() => tf.mul(tf.randomNormal(centroids.shape, 0, 1, 'float32', rng.tfSeed()), 1e-3));
    const c = tf.add(centroids, jitter) as tf.Tensor2D;
    tf.dispose([centroids, jitter]);
    centroids = c;
  }
  for (let it = 0; it < iters; it++) {
    const { next, counts } = tf.tidy(() => {
      const assign = tf.argMin(squaredDistances(x, centroids), 1);
      const onehot = oneHotFloat(assign as tf.Tensor1D, k);
      const cnt = tf.sum(onehot, 0);
      const sums = tf.matMul(onehot, x, true, false);
      const mean = tf.div(sums, tf.reshape(tf.maximum(cnt, 1), [k, 1]));
      const keep = tf.reshape(tf.greater(cnt, 0), [k, 1]);
      return { next: tf.where(tf.broadcastTo(keep, mean.shape), mean, centroids) as tf.Tensor2D, counts: cnt };
    });
    const c = counts.dataSync();
    counts.dispose();
    centroids.dispose();
    centroids = next;
    const empty = Array.from(c).flatMap((v, i) => (v === 0 ? [i] : []));
    if (empty.length > 0) {
      const data = centroids.arraySync();
      const rows = tf.gather(x, Int32Array.from(empty, () => rng.int(n))).arraySync() as number[][];
      empty.forEach((e, j) => (data[e] = rows[j]));
      centroids.dispose();
      centroids = tf.tensor2d(data);
    }
  }
  return centroids;
}
