import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { indexInfoNce, tokenContrastiveLevel, tokenContrastiveLoss } from './m-gtr';

const cos = (a: number[], b: number[]) => (a[0] * b[0] + a[1] * b[1]) / (Math.hypot(a[0], a[1]) * Math.hypot(b[0], b[1]));

describe('m-GTR token level', () => {
  // 3 entities × 2 dims: inputs X, chosen codewords C, τ = 0.5.
  const X = [[1, 0], [0, 1], [1, 1]];
  const C = [[1, 0], [1, 1], [0, 1]];

  it('matches the hand-computed value on a 3×2 example', () => {
    // L_i = −log( e^{s_ii} / (e^{s_ii} + Σ_{j≠i} e^{s_ij} / e^{cos(X_i, X_j)}) ), s_ij = cos(X_i, C_j)/τ.
    // Row 0: s = [2, √2, 0], w01 = e^0, w02 = e^{1/√2} → L0 = −log(e² / (e² + e^{√2} + e^{0 − 0.7071}))
    let expected = 0;
    for (let i = 0; i < 3; i++) {
      let den = Math.exp(cos(X[i], C[i]) / 0.5);
      for (let j = 0; j < 3; j++) if (j !== i) den += Math.exp(cos(X[i], C[j]) / 0.5) / Math.exp(cos(X[i], X[j]));
      expected += -Math.log(Math.exp(cos(X[i], C[i]) / 0.5) / den) / 3;
    }
    expect(expected).toBeCloseTo(0.7022383763, 8); // the same number computed independently in Python
    const got = tf.tidy(() => tokenContrastiveLevel(tf.tensor2d(X), tf.tensor2d(C), 0.5).dataSync()[0]);
    expect(got).toBeCloseTo(expected, 5);
  });

  it('averages the per-level losses and down-weights similar negatives', () => {
    const before = tf.memory().numTensors;
    const [one, two, avg] = tf.tidy(() => {
      const x = tf.tensor2d(X);
      const c1 = tf.tensor2d(C);
      const c2 = tf.tensor2d([[0, 1], [1, 0], [1, 1]]);
      return [tokenContrastiveLevel(x, c1, 0.5), tokenContrastiveLevel(x, c2, 0.5), tokenContrastiveLoss([x, x], [c1, c2], 0.5)].map((t) => t.dataSync()[0]);
    });
    expect(avg).toBeCloseTo((one + two) / 2, 5);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('has a gradient with respect to inputs and codewords', () => {
    const x = tf.variable(tf.tensor2d(X));
    const c = tf.variable(tf.tensor2d(C));
    const { grads, value } = tf.variableGrads(() => tokenContrastiveLevel(x, c, 0.5), [x, c]);
    for (const g of Object.values(grads)) expect(tf.tidy(() => tf.norm(g).dataSync()[0])).toBeGreaterThan(0);
    tf.dispose([x, c, value, ...Object.values(grads)]);
  });
});

describe('m-GTR index level', () => {
  it('is the symmetric InfoNCE of cosine logits (hand-computed 3×2 example)', () => {
    const A = [[1, 0], [0, 1], [1, 1]];
    const B = [[1, 0.5], [0, 1], [1, 0]];
    const S = A.map((a) => B.map((b) => cos(a, b) / 0.5));
    let rows = 0;
    let cols = 0;
    for (let i = 0; i < 3; i++) {
      rows += (-S[i][i] + Math.log(S[i].reduce((s, v) => s + Math.exp(v), 0))) / 3;
      cols += (-S[i][i] + Math.log(S.reduce((s, r) => s + Math.exp(r[i]), 0))) / 3;
    }
    expect((rows + cols) / 2).toBeCloseTo(0.8515378548, 8);
    const got = tf.tidy(() => indexInfoNce(tf.tensor2d(A), tf.tensor2d(B), 0.5).dataSync()[0]);
    expect(got).toBeCloseTo((rows + cols) / 2, 5);
  });

  it('is lower for aligned pairs than for shuffled ones and rejects shape mismatches', () => {
    const [aligned, shuffled] = tf.tidy(() => {
      const a = tf.tensor2d([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
      return [indexInfoNce(a, a, 0.1), indexInfoNce(a, tf.reverse(a, 0) as tf.Tensor2D, 0.1)].map((t) => t.dataSync()[0]);
    });
    expect(aligned).toBeLessThan(shuffled);
    const a = tf.zeros([2, 3]) as tf.Tensor2D;
    const b = tf.zeros([3, 3]) as tf.Tensor2D;
    expect(() => indexInfoNce(a, b)).toThrow(/same shape/);
    tf.dispose([a, b]);
  });
});
