import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { RecError } from '@ed2/core';
import { ranksFromScores } from './ranks-from-scores';

const NaN32 = Number.NaN;

describe('ranksFromScores', () => {
  it('ranks the target by the number of items scoring at least as high (hand-built rows)', async () => {
    const scores = tf.tensor2d([
      [0.1, 0.9, 0.5, 0.3, 0.7], // target 2 (0.5): 0.9 and 0.7 above → rank 3
      [5, 4, 3, 2, 1], // target 0: best → 1
      [1, 2, 3, 4, 5], // target 0: worst → 5
      [-1, -2, -3, 10, 0], // target 3 → 1
    ]);
    expect(Array.from(await ranksFromScores(scores, [2, 0, 0, 3]))).toEqual([3, 1, 5, 1]);
    scores.dispose();
  });

  it('ties are pessimistic: a constant model ranks every target last, not first', async () => {
    const scores = tf.zeros([3, 7]) as tf.Tensor2D;
    expect(Array.from(await ranksFromScores(scores, [0, 3, 6]))).toEqual([7, 7, 7]);
    scores.dispose();
    const partial = tf.tensor2d([[1, 2, 2, 2, 0]]); // target 1 ties with items 2 and 3 → rank 3
    expect(Array.from(await ranksFromScores(partial, [1]))).toEqual([3]);
    partial.dispose();
  });

  it('NaN scores count as worst: a NaN item never outranks the target, a NaN target ranks last', async () => {
    const scores = tf.tensor2d([
      [NaN32, 0.2, NaN32, 0.1],
      [NaN32, 0.2, 0.5, 0.1],
    ]);
    expect(Array.from(await ranksFromScores(scores, [3, 0]))).toEqual([2, 4]);
    scores.dispose();
  });

  it('+∞ and −∞ keep their order', async () => {
    const scores = tf.tensor2d([[Infinity, -Infinity, 0, 1]]);
    expect(Array.from(await ranksFromScores(scores, [3]))).toEqual([2]);
    scores.dispose();
  });

  it('excludeSeen masks history items but never the target itself', async () => {
    const scores = tf.tensor2d([
      [0.9, 0.8, 0.7, 0.6, 0.5, 0.4],
      [0.9, 0.8, 0.7, 0.6, 0.5, 0.4],
    ]);
    const targets = [4, 1];
    expect(Array.from(await ranksFromScores(scores, targets))).toEqual([5, 2]);
    // row 0: items 0 and 2 seen → only 1 and 3 remain above the target; row 1: target is in its own history
    const exclude = [[0, 2, 0], [1, 0, 5]];
    expect(Array.from(await ranksFromScores(scores, targets, { exclude }))).toEqual([3, 1]);
    expect(Array.from(await ranksFromScores(scores, targets, { exclude: [[], []] }))).toEqual([5, 2]);
    scores.dispose();
  });

  it('with excludeSeen, excluded items leave the ranking: ties with them do not count, a NaN target ranks last among the rest', async () => {
    const scores = tf.tensor2d([
      [0.5, 0.5, 0.5, 0.2, NaN32], // target 1 ties with 0 (seen) and 2 → rank 2 with 0 excluded
      [NaN32, 0.3, 0.4, 0.1, 0.9], // NaN target 0, items 2, 4 seen → last of the 3 remaining
    ]);
    expect(Array.from(await ranksFromScores(scores, [1, 0]))).toEqual([3, 5]);
    expect(Array.from(await ranksFromScores(scores, [1, 0], { exclude: [[0, 0, 1], [4, 2, 0]] }))).toEqual([2, 3]);
    scores.dispose();
  });

  it('leaves the tensor count unchanged and does not dispose the caller-owned scores', async () => {
    const scores = tf.randomUniform([16, 50], 0, 1, 'float32', 3) as tf.Tensor2D;
    const targets = Array.from({ length: 16 }, (_, i) => (i * 7) % 50);
    await ranksFromScores(scores, targets, { exclude: targets.map((t) => [t, (t + 1) % 50]) });
    const before = tf.memory().numTensors;
    await ranksFromScores(scores, targets);
    await ranksFromScores(scores, targets, { exclude: targets.map((t) => [(t + 1) % 50]) });
    expect(tf.memory().numTensors).toBe(before);
    expect(scores.isDisposed).toBe(false);
    scores.dispose();
  });

  it('agrees with a plain JS count on random scores with ties', async () => {
    const b = 9;
    const n = 40;
    const values = Array.from({ length: b * n }, (_, i) => ((i * 2654435761) % 97) % 13); // many ties
    const targets = Array.from({ length: b }, (_, i) => (i * 11) % n);
    const scores = tf.tensor2d(values, [b, n]);
    const got = Array.from(await ranksFromScores(scores, targets));
    const want = targets.map((t, r) => values.slice(r * n, (r + 1) * n).filter((v) => v >= values[r * n + t]).length);
    expect(got).toEqual(want);
    scores.dispose();
  });

  it('rejects out-of-range targets and history items, and mismatched lengths', async () => {
    const scores = tf.zeros([2, 4]) as tf.Tensor2D;
    await expect(ranksFromScores(scores, [0, 4])).rejects.toSatisfy((e) => RecError.is(e, 'E_DATA_FORMAT'));
    await expect(ranksFromScores(scores, [0])).rejects.toSatisfy((e) => RecError.is(e, 'E_SHAPE'));
    await expect(ranksFromScores(scores, [0, 1], { exclude: [[9], []] })).rejects.toThrow(/history item 9/);
    scores.dispose();
  });
});
