import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, type EvalCase, type Recommender } from '@ed2/core';
import { Evaluator } from './evaluator';

// The shape of the Amazon-Instruments test split (24,772 users × 9,922 items), with a synthetic
// random-score model: no data is read, only the cost of full ranking is exercised. Times are
// printed, not asserted.
const USERS = 24_772;
const ITEMS = 9_922;

describe('Evaluator at Instruments scale (24,772 × 9,922)', () => {
  const rng = new Rng(7);
  const cases: EvalCase[] = Array.from({ length: USERS }, (_, u) => ({
    user: u,
    history: Array.from({ length: 8 }, () => rng.int(ITEMS)),
    target: rng.int(ITEMS),
  }));
  // one random [512, ITEMS] block reused for every batch, so the timing is the evaluator's
  // (ranking, masking, read-back), not random-number generation; targets differ per user
  let block: tf.Tensor2D;
  let model: Recommender;
  let before = 0;
  beforeAll(() => {
    before = tf.memory().numTensors;
    block = tf.randomUniform([512, ITEMS], 0, 1, 'float32', rng.tfSeed()) as tf.Tensor2D;
    model = { name: 'random', score: (b) => tf.slice(block, [0, 0], [b.length, ITEMS]) };
  });
  afterAll(() => {
    block.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('full ranking: a random model gets chance-level ranks and metrics', async () => {
    const result = await new Evaluator({ batchSize: 512 }).evaluate(model, cases);
    console.log(`[eval scale] ${USERS} users × ${ITEMS} items, full ranking on ${tf.getBackend()}: ${result.seconds.toFixed(2)} s`);
    let sum = 0;
    for (const r of result.ranks) sum += r;
    // uniform random scores: rank uniform on 1..ITEMS, so mean rank ≈ (ITEMS + 1)/2 and HR@10 ≈ 10/ITEMS
    expect(sum / USERS / ((ITEMS + 1) / 2)).toBeGreaterThan(0.98);
    expect(sum / USERS / ((ITEMS + 1) / 2)).toBeLessThan(1.02);
    expect(result.metrics['hr@10']).toBeLessThan(0.003);
    expect(result.count).toBe(USERS);
    expect(result.protocol.numItems).toBe(ITEMS);
  });

  it('with excludeSeen: every rank drops by at most the number of distinct seen items', async () => {
    const plain = await new Evaluator({ batchSize: 512, metrics: ['hr'], ks: [10] }).evaluate(model, cases);
    const masked = await new Evaluator({ batchSize: 512, excludeSeen: true, metrics: ['hr'], ks: [10] }).evaluate(model, cases);
    console.log(`[eval scale] ${USERS} users × ${ITEMS} items, full ranking with excludeSeen on ${tf.getBackend()}: ${masked.seconds.toFixed(2)} s`);
    let lowered = 0;
    let violations = 0;
    for (let i = 0; i < USERS; i++) {
      const drop = plain.ranks[i] - masked.ranks[i];
      const distinct = new Set(cases[i].history.filter((x) => x !== cases[i].target)).size;
      if (drop < 0 || drop > distinct) violations++;
      if (drop > 0) lowered++;
    }
    expect(violations).toBe(0);
    expect(lowered).toBeGreaterThan(USERS / 2); // 8 random seen items: most targets have one above them
  });
});
