import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { EventBus, RecError, type EvalCase, type ItemRanking, type ProgressEvent, type Recommender } from '@ed2/core';
import { tinyTrainContext } from '@ed2/core/testing';
import { createValidate } from './create-validate';
import { Evaluator } from './evaluator';

const NUM_ITEMS = 30;

/** Case u: user 100 + u, target (3u) mod 30, history the two items before it. */
const cases: EvalCase[] = Array.from({ length: 10 }, (_, u) => {
  const target = (3 * u) % NUM_ITEMS;
  return { user: 100 + u, history: [(target + 28) % NUM_ITEMS, (target + 29) % NUM_ITEMS], target };
});

/** Scores item i for user u as −|i − (target + offset_u)|, so the target's rank is controlled per case. */
function scoreModel(offsets: number[]): Recommender & { calls: number } {
  return {
    name: 'fake-score',
    calls: 0,
    score(batch: readonly EvalCase[]) {
      this.calls++;
      const rows = batch.map((c) => {
        const centre = c.target + offsets[c.user - 100];
        return Array.from({ length: NUM_ITEMS }, (_, i) => -Math.abs(i - centre) - i * 1e-3);
      });
      return tf.tensor2d(rows);
    },
  };
}

/** JS reference for a score row: #items scoring ≥ the target. */
function referenceRank(offset: number, target: number): number {
  const s = (i: number) => -Math.abs(i - (target + offset)) - i * 1e-3;
  return Array.from({ length: NUM_ITEMS }, (_, i) => i).filter((i) => s(i) >= s(target)).length;
}

describe('Evaluator with a score() model', () => {
  const offsets = [0, 1, 2, 0, 5, 0, 12, 3, 0, 1];

  it('computes per-case ranks, per-case metrics and their means; batching does not change them', async () => {
    const expectedRanks = cases.map((c) => referenceRank(offsets[c.user - 100], c.target));
    const small = await new Evaluator({ batchSize: 3 }).evaluate(scoreModel(offsets), cases);
    const big = await new Evaluator().evaluate(scoreModel(offsets), cases);
    expect(Array.from(small.ranks)).toEqual(expectedRanks);
    expect(Array.from(big.ranks)).toEqual(expectedRanks);
    expect(small.metrics).toEqual(big.metrics);
    expect(Object.keys(big.metrics)).toEqual(['hr@1', 'hr@5', 'hr@10', 'ndcg@1', 'ndcg@5', 'ndcg@10', 'mrr']);
    const hr5 = expectedRanks.map((r) => (r <= 5 ? 1 : 0));
    const ndcg10 = expectedRanks.map((r) => (r <= 10 ? 1 / Math.log2(r + 1) : 0));
    expect(Array.from(big.perCase['hr@5'])).toEqual(hr5);
    expect(big.metrics['hr@5']).toBeCloseTo(hr5.reduce((a, b) => a + b) / 10, 12);
    expect(big.metrics['ndcg@10']).toBeCloseTo(ndcg10.reduce((a, b) => a + b) / 10, 12);
    expect(big.metrics.mrr).toBeCloseTo(expectedRanks.reduce((a, r) => a + 1 / r, 0) / 10, 12);
    expect(Array.from(big.users)).toEqual(cases.map((c) => c.user));
    expect(big.count).toBe(10);
    expect(big.seconds).toBeGreaterThanOrEqual(0);
    expect(big.protocol).toEqual({ excludeSeen: false, ks: [1, 5, 10], ranking: 'full', ties: 'pessimistic', numItems: NUM_ITEMS });
  });

  it('batches cases of similar history length and returns ranks in the callers\' order', async () => {
    // histories of lengths 10, 9, …, 1 (longest first): batches of 3 must be the shortest cases first
    const mixed = cases.map((c, u) => ({ ...c, history: Array.from({ length: 10 - u }, (_, j) => (c.target + 1 + j) % NUM_ITEMS) }));
    const model = scoreModel(offsets);
    const seen: number[][] = [];
    const inner = model.score.bind(model);
    model.score = (batch: readonly EvalCase[]) => {
      seen.push(batch.map((c) => c.history.length));
      return inner(batch);
    };
    const r = await new Evaluator({ batchSize: 3 }).evaluate(model, mixed);
    expect(seen).toEqual([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10]]);
    expect(Array.from(r.ranks)).toEqual(mixed.map((c) => referenceRank(offsets[c.user - 100], c.target)));
    expect(Array.from(r.users)).toEqual(mixed.map((c) => c.user));
  });

  it('a constant model gets the worst rank everywhere (pessimistic ties), so every metric is ~0', async () => {
    const constant: Recommender = { name: 'constant', score: (b) => tf.fill([b.length, NUM_ITEMS], 0.5) as tf.Tensor2D };
    const r = await new Evaluator().evaluate(constant, cases);
    expect(Array.from(r.ranks)).toEqual(cases.map(() => NUM_ITEMS));
    expect(r.metrics['hr@10']).toBe(0);
    expect(r.metrics['ndcg@10']).toBe(0);
    expect(r.metrics.mrr).toBeCloseTo(1 / NUM_ITEMS, 12);
  });

  it('excludeSeen lifts targets whose history items outrank them, and says so in the protocol', async () => {
    // offset −1 centres the scores on target−1: the history items target−1 and target−2 (scored
    // −0 and −1 − (t−2)·1e-3) outrank the target (−1 − t·1e-3), except for target 0 (no item −1, −2)
    const model = scoreModel(cases.map(() => -1));
    const plain = await new Evaluator().evaluate(model, cases);
    const masked = await new Evaluator({ excludeSeen: true }).evaluate(model, cases);
    expect(Array.from(plain.ranks)).toEqual(cases.map((c) => (c.target === 0 ? 1 : 3)));
    expect(Array.from(masked.ranks)).toEqual(cases.map(() => 1));
    expect(masked.metrics['hr@1']).toBe(1);
    expect(masked.protocol.excludeSeen).toBe(true);
  });

  it('emits progress events and leaks no tensors', async () => {
    const events = new EventBus();
    const seen: ProgressEvent[] = [];
    events.on((e) => e.type === 'progress' && seen.push(e));
    const ev = new Evaluator({ batchSize: 4, excludeSeen: true });
    const model = scoreModel(offsets);
    await ev.evaluate(model, cases);
    const before = tf.memory().numTensors;
    await ev.evaluate(model, cases, { events, label: 'valid' });
    expect(tf.memory().numTensors).toBe(before);
    expect(seen.map((e) => e.current)).toEqual([0, 4, 8, 10, 10]);
    expect(seen.every((e) => e.id === 'eval/valid' && e.total === 10)).toBe(true);
    expect(seen.at(-1)!.done).toBe(true);
    expect(seen.at(-1)!.info!['ndcg@10']).toBeTypeOf('number');
  });

  it('stops with E_ABORTED when the signal fires, without leaking', async () => {
    const controller = new AbortController();
    const model = scoreModel(offsets);
    const inner = model.score!.bind(model);
    model.score = (b) => {
      controller.abort(new Error('user pressed ctrl-c'));
      return inner(b);
    };
    const before = tf.memory().numTensors;
    const err = await new Evaluator({ batchSize: 2 }).evaluate(model, cases, { signal: controller.signal }).catch((e: unknown) => e);
    expect(RecError.is(err, 'E_ABORTED')).toBe(true);
    expect(model.calls).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('an abort raised by a signal handler (a macrotask) stops it between batches', async () => {
    const controller = new AbortController();
    const model = scoreModel(offsets);
    setImmediate(() => controller.abort(new Error('SIGINT')));
    const err = await new Evaluator({ batchSize: 2 }).evaluate(model, cases, { signal: controller.signal }).catch((e: unknown) => e);
    expect(RecError.is(err, 'E_ABORTED')).toBe(true);
    expect(model.calls).toBeLessThan(5); // 10 cases in batches of 2: not all scored
  });

  it('rejects a wrong score shape and disposes it', async () => {
    const bad: Recommender = { name: 'bad', score: (b) => tf.zeros([b.length + 1, NUM_ITEMS]) as tf.Tensor2D };
    const before = tf.memory().numTensors;
    await expect(new Evaluator().evaluate(bad, cases)).rejects.toThrow(/bad\.score\(\) returned shape \[11, 30\]/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('Evaluator with a recommend() model', () => {
  /** Returns k items with the target at position (user mod 7) + 1 (absent when that exceeds k). */
  const generative: Recommender & { asked: number[] } = {
    name: 'fake-generative',
    asked: [],
    async recommend(batch: readonly EvalCase[], k: number): Promise<ItemRanking[]> {
      this.asked.push(k);
      return batch.map((c) => {
        const pos = c.user % 7;
        const others = Array.from({ length: NUM_ITEMS }, (_, i) => i).filter((i) => i !== c.target);
        const items = others.slice(0, k);
        if (pos < k) items.splice(pos, 0, c.target);
        return { items: items.slice(0, k) };
      });
    },
  };

  it('ranks by list position, k + 1 when absent; MRR is truncated at k', async () => {
    const r = await new Evaluator({ ks: [1, 5] }).evaluate(generative, cases);
    const want = cases.map((c) => ((c.user % 7) + 1 <= 5 ? (c.user % 7) + 1 : 6));
    expect(generative.asked.at(-1)).toBe(5);
    expect(Array.from(r.ranks)).toEqual(want);
    expect(r.protocol).toEqual({ excludeSeen: false, ks: [1, 5], ranking: 'top-k', ties: 'pessimistic', topK: 5 });
    expect(r.metrics['hr@5']).toBeCloseTo(want.filter((x) => x <= 5).length / 10, 12);
    expect(r.metrics.mrr).toBeCloseTo(want.reduce((a, x) => a + (x <= 5 ? 1 / x : 0), 0) / 10, 12);
  });

  it('asks for topK items and errors when a requested K exceeds it', async () => {
    await new Evaluator({ ks: [5], topK: 20 }).evaluate(generative, cases);
    expect(generative.asked.at(-1)).toBe(20);
    await expect(new Evaluator({ ks: [5, 10], topK: 5 }).evaluate(generative, cases)).rejects.toThrow(/hr@10 needs a top-k list of at least 10 items but topK is 5/);
  });

  it('ranking "full" on a model without score() and a model with neither are clear errors', async () => {
    await expect(new Evaluator({ ranking: 'full' }).evaluate(generative, cases)).rejects.toSatisfy((e) => RecError.is(e, 'E_UNSUPPORTED'));
    await expect(new Evaluator().evaluate({ name: 'empty' }, cases)).rejects.toThrow(/empty implements neither score\(\) nor recommend\(\)/);
  });
});

describe('Evaluator config and validate helper', () => {
  it('rejects unknown keys and unknown metric names', () => {
    expect(() => new Evaluator({ batchsize: 3 } as never)).toThrow(/batchsize/);
    expect(() => new Evaluator({ metrics: ['hr', 'auc'] })).toThrow(/unknown metric "auc"/);
  });

  it('createValidate binds an evaluator to split.valid and returns mean metrics', async () => {
    const ctx = tinyTrainContext({ numItems: 24 });
    const events = new EventBus();
    const ids: string[] = [];
    events.on((e) => e.type === 'progress' && ids.push(e.id));
    const validate = createValidate(new Evaluator({ ks: [10], metrics: ['hr', 'ndcg'] }), ctx.split.valid, { events });
    // the "next item" oracle: item (last + 1) mod 24 scores highest
    const oracle: Recommender = {
      name: 'oracle',
      score: (b) => tf.tidy(() => tf.oneHot(b.map((c) => (c.history[c.history.length - 1] + 1) % 24), 24).toFloat() as tf.Tensor2D),
    };
    const m = await validate(oracle);
    const expected = ctx.split.valid.filter((c) => c.target === (c.history[c.history.length - 1] + 1) % 24).length / ctx.split.valid.length;
    expect(Object.keys(m)).toEqual(['hr@10', 'ndcg@10']);
    expect(m['ndcg@10']).toBeCloseTo(expected, 12);
    expect(m['hr@10']).toBeGreaterThanOrEqual(expected);
    expect(ids[0]).toBe('eval/valid');
  });

  it('refuses an empty case list', async () => {
    await expect(new Evaluator().evaluate(scoreModel([]), [])).rejects.toSatisfy((e) => RecError.is(e, 'E_DATA_MISSING'));
  });
});
