import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { Corpus, Split } from '@ed2/core';
import { hasUserText, historyMeanFeatures } from './entity-features';

describe('user features from item features (no user text)', () => {
  it('each user is the mean of their training items; a user without training items gets the mean of all items', async () => {
    const items = tf.tensor2d([[1, 0], [0, 2], [4, 4]]);
    const split = { numItems: 3, numUsers: 3, train: [[0, 1], [2, 2, 0], []], valid: [], test: [] } as unknown as Split;
    const x = await historyMeanFeatures(items, split);
    // by hand: (1+0)/2, (0+2)/2 · (4+4+1)/3, (4+4+0)/3 · (1+0+4)/3, (0+2+4)/3
    const want = [[0.5, 1], [3, 8 / 3], [5 / 3, 2]];
    const got = x.arraySync();
    got.forEach((row, u) => row.forEach((v, j) => expect(v).toBeCloseTo(want[u][j], 6)));
    tf.dispose([items, x]);
  });

  it('knows when a corpus has any user text source', () => {
    const base = { name: 'c', users: [{ id: 0, key: 'u' }], items: [{ id: 0, key: 'i' }], interactions: [] } as unknown as Corpus;
    expect(hasUserText(base)).toBe(false);
    expect(hasUserText({ ...base, items: [{ id: 0, key: 'i', title: 'Guitar strings' }] } as unknown as Corpus)).toBe(true);
    expect(hasUserText({ ...base, users: [{ id: 0, key: 'u', profile: 'plays bass' }] } as unknown as Corpus)).toBe(true);
  });
});
