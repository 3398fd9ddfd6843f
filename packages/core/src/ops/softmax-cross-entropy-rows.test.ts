import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng';
import { softmaxCrossEntropyRows } from './softmax-cross-entropy-rows';

describe('softmaxCrossEntropyRows', () => {
  it('matches logSoftmax·oneHot in value and gradient, and leaks no tensors', () => {
    const rng = new Rng(3);
    const [rows, items] = [5, 7];
    const data = Float32Array.from({ length: rows * items }, () => rng.normal() * 3);
    const labels = Int32Array.from({ length: rows }, () => rng.int(items));
    const weights = tf.tensor1d([1, 0.5, 2, 0, 1]);
    const before = tf.memory().numTensors;
    const x = tf.tensor2d(data, [rows, items]);
    const ours = tf.valueAndGrad((lg: tf.Tensor) => tf.sum(tf.mul(softmaxCrossEntropyRows(lg as tf.Tensor2D, labels), weights)) as tf.Scalar)(x);
    const ref = tf.valueAndGrad((lg: tf.Tensor) => {
      const nll = tf.neg(tf.sum(tf.mul(tf.logSoftmax(lg), tf.oneHot(tf.tensor1d(labels, 'int32'), items)), 1));
      return tf.sum(tf.mul(nll, weights)) as tf.Scalar;
    })(x);
    expect(ours.value.dataSync()[0]).toBeCloseTo(ref.value.dataSync()[0], 4);
    const [g1, g2] = [ours.grad.dataSync(), ref.grad.dataSync()];
    for (let i = 0; i < g1.length; i++) expect(g1[i]).toBeCloseTo(g2[i], 5);
    // the zero-weight row gets no gradient
    for (let j = 0; j < items; j++) expect(Math.abs(g1[3 * items + j])).toBe(0);
    tf.dispose([x, ours.value, ours.grad, ref.value, ref.grad]);
    expect(tf.memory().numTensors).toBe(before);
    weights.dispose();
  });

  it('rejects a label count or a label outside the logits with E_SHAPE', () => {
    const x = tf.zeros([2, 3]) as tf.Tensor2D;
    expect(() => softmaxCrossEntropyRows(x, Int32Array.from([0]))).toThrow(/1 labels for 2 logit rows/);
    expect(() => softmaxCrossEntropyRows(x, Int32Array.from([0, 3]))).toThrow(/label 3 of row 1 is outside \[0, 3\)/);
    x.dispose();
  });
});
