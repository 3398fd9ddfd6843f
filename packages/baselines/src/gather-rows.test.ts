import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { gatherRows } from './gather-rows';

describe('gatherRows', () => {
  it.each([
    ['with duplicate ids', [3, 0, 3, 5, 3, 0]],
    ['with distinct ids', [4, 1, 0, 6]],
  ])('gives the gathered rows, and per-id sums of dy as gradient, %s, leaking nothing', (_, list) => {
    const table = tf.variable(tf.randomNormal([7, 3], 0, 1, 'float32', 1), true, `gather-rows-test-${list.length}`) as tf.Variable<tf.Rank.R2>;
    const ids = tf.tensor1d(list, 'int32');
    const w = tf.randomNormal([list.length, 3], 0, 1, 'float32', 2);
    // Σ of w's rows per id, on the host (wasm's float oneHot is not a trustworthy reference)
    const wRows = w.arraySync() as number[][];
    const expectedGrad = Array.from({ length: 7 }, (_, r) => [0, 1, 2].map((c) => list.reduce((s, id, i) => s + (id === r ? wRows[i][c] : 0), 0)));
    const expectedValue = tf.tidy(() => tf.gather(table, ids)).arraySync();
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(gatherRows(table, ids), w)) as tf.Scalar, [table]);
    const g = grads[table.name];
    (g.arraySync() as number[][]).forEach((row, r) => row.forEach((x, c) => expect(x).toBeCloseTo(expectedGrad[r][c], 5)));
    tf.dispose([value, g]);
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.tidy(() => gatherRows(table, ids)).arraySync()).toEqual(expectedValue);
    tf.dispose([table, ids, w]);
  });
});
