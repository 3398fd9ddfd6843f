import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@ed2/core';
import { describe, expect, it } from 'vitest';
import { sasrecConfig } from './configs';
import { gbceBeta } from './gbce-beta';
import { SasRec } from './sasrec';

describe('gBCE', () => {
  it('β is 1 at t = 0, ≈ 1 − t for a large catalogue, and α·(t(1 − 1/α) + 1/α) in general', () => {
    expect(gbceBeta(0, 9922)).toBe(1);
    expect(gbceBeta(1, 9922)).toBeCloseTo(1 / 9921, 12);
    expect(gbceBeta(0.75, 10001)).toBeCloseTo(0.25 + 0.75 / 10000, 12);
    expect(gbceBeta(0.5, 3)).toBeCloseTo(0.5 * (0.5 * (1 - 2) + 2), 12); // α = 1/2
  });

  it('the SASRec BCE loss weights the positive term by β and leaves the negative term alone', () => {
    const model = (t: number) => new SasRec({ ...sasrecConfig.parse({ maxLen: 6, dim: 8, heads: 2, dropout: 0, loss: 'bce', gbceT: t }), numItems: 30 }, new Rng(5));
    const ids = tf.tensor2d([[0, 0, 3, 4, 5, 6], [0, 0, 0, 0, 7, 8]], [2, 6], 'int32');
    const tgt = tf.tensor2d([[0, 0, 4, 5, 6, 9], [0, 0, 0, 0, 8, 2]], [2, 6], 'int32');
    const neg = tf.tensor2d([[0, 0, 11, 12, 13, 14], [0, 0, 0, 0, 20, 21]], [2, 6], 'int32');
    const before = tf.memory().numTensors;
    const plain = model(0);
    const calibrated = model(0.75);
    // the same init (same seed): the two models differ only in β
    const [posTerm, negTerm] = tf.tidy(() => {
      const h = plain.hidden(ids, false, 0).reshape([12, 8]);
      const table = plain.variables['item/embedding'];
      const score = (x: tf.Tensor2D) => tf.sum(tf.mul(h, tf.gather(table, x.reshape([12]))), 1);
      const mask = tf.cast(tf.notEqual(tgt.reshape([12]), 0), 'float32');
      const mean = (x: tf.Tensor) => tf.div(tf.sum(tf.mul(x, mask)), tf.sum(mask)).dataSync()[0];
      return [mean(tf.softplus(tf.neg(score(tgt)))), mean(tf.softplus(score(neg)))];
    });
    const beta = gbceBeta(0.75, 30);
    const l0 = plain.loss(ids, tgt, neg, 1);
    const l1 = calibrated.loss(ids, tgt, neg, 1);
    expect(l0.dataSync()[0]).toBeCloseTo(posTerm + negTerm, 5);
    expect(l1.dataSync()[0]).toBeCloseTo(beta * posTerm + negTerm, 5);
    tf.dispose([l0, l1]);
    plain.dispose();
    calibrated.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([ids, tgt, neg]);
  });
});
