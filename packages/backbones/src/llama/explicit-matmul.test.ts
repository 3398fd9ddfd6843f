import * as tf from '@tensorflow/tfjs-core';
import { describe, it, expect } from 'vitest';
import { frozenLinear, matMulExplicit } from './explicit-matmul';

const close = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describe('explicit-transpose matmuls', () => {
  it('give the same values and gradients as tf.matMul (rank 2 and 4)', () => {
    for (const [sa, sb] of [[[3, 4], [4, 5]], [[2, 3, 4, 5], [2, 3, 5, 6]]]) {
      const a = tf.randomNormal(sa, 0, 1, 'float32', 1);
      const b = tf.randomNormal(sb, 0, 1, 'float32', 2);
      const loss = (f: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor) => (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.sin(f(x, y)));
      const ref = tf.grads(loss((x, y) => tf.matMul(x, y)))([a, b]);
      const got = tf.grads(loss(matMulExplicit))([a, b]);
      expect(close(matMulExplicit(a, b), tf.matMul(a, b))).toBeLessThan(1e-5);
      expect(close(ref[0], got[0])).toBeLessThan(1e-4);
      expect(close(ref[1], got[1])).toBeLessThan(1e-4);
      tf.dispose([a, b, ...ref, ...got]);
    }
  });

  it('frozenLinear back-propagates only into the input', () => {
    const x = tf.randomNormal([3, 4], 0, 1, 'float32', 3) as tf.Tensor2D;
    const w = tf.randomNormal([4, 2], 0, 1, 'float32', 4) as tf.Tensor2D;
    const wT = tf.transpose(w);
    const [gx] = tf.grads((xx: tf.Tensor) => tf.sum(tf.square(frozenLinear(xx as tf.Tensor2D, w, wT))))([x]);
    const [rx] = tf.grads((xx: tf.Tensor) => tf.sum(tf.square(tf.matMul(xx, w))))([x]);
    expect(close(gx, rx)).toBeLessThan(1e-4);
    tf.dispose([x, w, wT, gx, rx]);
  });
});
