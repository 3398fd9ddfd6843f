import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Corpus } from '../domain/corpus';
import type { ItemRanking, Recommender } from '../domain/recommender';
import type { EvalCase, Split } from '../domain/split';
import type { MetricValues, TrainContext, TrainReport, TrainableRecommender } from '../domain/trainable-recommender';
import { EventBus } from '../events/event-bus';
import { Rng } from '../random/rng';

/** A model under test: trainable models also implement `fit`/`dispose`. */
export type ContractModel = Recommender & Partial<Pick<TrainableRecommender, 'fit' | 'dispose' | 'parameterCount'>>;

export interface RecommenderContractOptions {
  /** Expect `fit` (default true); a non-trainable ranker sets false. */
  readonly trainable?: boolean;
  /** k for `recommend` checks (default 5). */
  readonly k?: number;
  /** Number of test cases scored (default 4). */
  readonly cases?: number;
}

export interface TinyContextOptions {
  readonly seed?: number;
  readonly numUsers?: number;
  readonly numItems?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
}

/**
 * A small synthetic corpus with learnable structure (a user mostly walks items i → i+1), its
 * leave-one-out split and a `TrainContext` whose `validate` computes hr@10 / ndcg@10 on
 * `split.valid`. Deterministic for a given seed.
 */
export function tinyTrainContext(options: TinyContextOptions = {}): TrainContext {
  const { seed = 1, numUsers = 16, numItems = 24, minLength = 5, maxLength = 9 } = options;
  const rng = new Rng(seed);
  const data = rng.fork('data');
  const sequences: number[][] = [];
  for (let u = 0; u < numUsers; u++) {
    const len = minLength + data.int(maxLength - minLength + 1);
    let item = data.int(numItems);
    const seq = [item];
    while (seq.length < len) {
      item = data.next() < 0.8 ? (item + 1) % numItems : data.int(numItems);
      seq.push(item);
    }
    sequences.push(seq);
  }
  const corpus: Corpus = {
    name: `tiny-${seed}`,
    items: Array.from({ length: numItems }, (_, i) => ({ id: i, key: `i${i}`, title: `item ${i}`, categories: [`c${i % 3}`] })),
    users: Array.from({ length: numUsers }, (_, u) => ({ id: u, key: `u${u}` })),
    sequences,
    source: { generator: 'tinyTrainContext', seed },
  };
  const split: Split = {
    numItems,
    numUsers,
    train: sequences.map((s) => s.slice(0, -2)),
    valid: sequences.map((s, u) => ({ user: u, history: s.slice(0, -2), target: s[s.length - 2] })),
    test: sequences.map((s, u) => ({ user: u, history: s.slice(0, -1), target: s[s.length - 1] })),
  };
  return { corpus, split, rng: rng.fork('model'), events: new EventBus(), validate: (model) => hitRate(model, split.valid, numItems) };
}

async function hitRate(model: Recommender, cases: readonly EvalCase[], numItems: number): Promise<MetricValues> {
  const k = Math.min(10, numItems);
  const ranked = await rank(model, cases, k);
  let hr = 0;
  let ndcg = 0;
  ranked.forEach((r, i) => {
    const pos = r.items.indexOf(cases[i].target);
    if (pos >= 0) {
      hr += 1;
      ndcg += 1 / Math.log2(pos + 2);
    }
  });
  return { [`hr@${k}`]: hr / cases.length, [`ndcg@${k}`]: ndcg / cases.length };
}

/** Top-k lists from `recommend`, or from `score` (ties broken by lower id). */
async function rank(model: Recommender, cases: readonly EvalCase[], k: number): Promise<ItemRanking[]> {
  if (model.recommend) return model.recommend(cases, k);
  if (!model.score) throw new Error(`${model.name} implements neither score nor recommend`);
  const scores = await model.score(cases);
  const { values, indices } = tf.topk(scores, k);
  const [v, ix] = [await values.data(), await indices.data()];
  tf.dispose([scores, values, indices]);
  return cases.map((_, b) => ({ items: Array.from(ix.subarray(b * k, (b + 1) * k)), scores: Array.from(v.subarray(b * k, (b + 1) * k)) }));
}

/** Throws unless `report` is a TrainReport with finite, sane numbers. */
export function assertTrainReport(report: TrainReport): void {
  const finite = (what: string, x: unknown) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new Error(`TrainReport.${what} is not a finite number: ${String(x)}`);
  };
  finite('epochs', report.epochs);
  finite('bestEpoch', report.bestEpoch);
  finite('seconds', report.seconds);
  if (report.seconds < 0) throw new Error(`TrainReport.seconds is negative: ${report.seconds}`);
  if (report.throughput !== undefined) finite('throughput', report.throughput);
  for (const [k, v] of Object.entries(report.bestValid)) finite(`bestValid["${k}"]`, v);
  if (!Array.isArray(report.history)) throw new Error('TrainReport.history is not an array');
  report.history.forEach((h, i) => {
    finite(`history[${i}].epoch`, h.epoch);
    finite(`history[${i}].loss`, h.loss);
    finite(`history[${i}].seconds`, h.seconds);
    for (const [k, v] of Object.entries(h.valid ?? {})) finite(`history[${i}].valid["${k}"]`, v);
  });
}

/** Throws unless each ranking has k distinct integer ids in [0, numItems) with finite scores. */
export function assertRankings(rankings: readonly ItemRanking[], batch: number, k: number, numItems: number): void {
  if (rankings.length !== batch) throw new Error(`recommend returned ${rankings.length} rankings for ${batch} cases`);
  rankings.forEach((r, b) => {
    if (r.items.length !== k) throw new Error(`ranking ${b} has ${r.items.length} items, expected k = ${k}`);
    if (new Set(r.items).size !== k) throw new Error(`ranking ${b} repeats items: ${r.items.join(',')}`);
    const bad = r.items.find((i) => !Number.isInteger(i) || i < 0 || i >= numItems);
    if (bad !== undefined) throw new Error(`ranking ${b} holds invalid item id ${bad} (numItems ${numItems})`);
    if (r.scores && r.scores.some((s) => !Number.isFinite(s))) throw new Error(`ranking ${b} has non-finite scores`);
  });
}

/** Throws unless `scores` is a finite float `[batch, numItems]` matrix. */
export function assertScores(scores: tf.Tensor, batch: number, numItems: number): void {
  if (scores.rank !== 2 || scores.shape[0] !== batch || scores.shape[1] !== numItems) {
    throw new Error(`score returned shape [${scores.shape.join(', ')}], expected [${batch}, ${numItems}]`);
  }
  const ok = tf.tidy(() => tf.all(tf.isFinite(scores)).dataSync()[0]);
  if (!ok) throw new Error('score returned non-finite values');
}

async function output(model: ContractModel, cases: readonly EvalCase[], k: number): Promise<number[]> {
  if (model.score) {
    const s = await model.score(cases);
    const v = Array.from(await s.data());
    s.dispose();
    return v;
  }
  return (await model.recommend!(cases, k)).flatMap((r) => [...r.items]);
}

/**
 * Declares the vitest suite every recommender plugin must pass. `make` builds a fresh model and its
 * context with a fixed seed (called twice: the two instances must agree); use `tinyTrainContext()`.
 */
export function recommenderContract(name: string, make: () => Promise<{ model: ContractModel; ctx: TrainContext }>, options: RecommenderContractOptions = {}): void {
  const { trainable = true, k = 5, cases: nCases = 4 } = options;
  describe(`recommender contract: ${name}`, () => {
    let base = 0;
    const built: { model: ContractModel; ctx: TrainContext; report?: TrainReport }[] = [];
    let disposed = false;

    beforeAll(async () => {
      base = tf.memory().numTensors;
      for (let i = 0; i < 2; i++) {
        const { model, ctx } = await make();
        const report = model.fit ? await model.fit(ctx) : undefined;
        built.push({ model, ctx, ...(report ? { report } : {}) });
      }
    });
    afterAll(() => {
      if (!disposed) for (const b of built) b.model.dispose?.();
    });

    const testCases = () => built[0].ctx.split.test.slice(0, nCases);

    it('fit returns a TrainReport with finite numbers', () => {
      if (!trainable) {
        expect(built[0].model.fit).toBeUndefined();
        return;
      }
      expect(typeof built[0].model.fit).toBe('function');
      expect(() => assertTrainReport(built[0].report!)).not.toThrow();
      expect(built[0].report!.epochs).toBeGreaterThanOrEqual(1);
    });

    it('score gives [batch, numItems] finite values, or recommend gives k distinct valid ids', async () => {
      const { model, ctx } = built[0];
      const cases = testCases();
      expect(model.score !== undefined || model.recommend !== undefined).toBe(true);
      if (model.score) {
        const s = await model.score(cases);
        try {
          expect(() => assertScores(s, cases.length, ctx.split.numItems)).not.toThrow();
        } finally {
          s.dispose();
        }
      }
      if (model.recommend) {
        const kk = Math.min(k, ctx.split.numItems);
        const r = await model.recommend(cases, kk);
        expect(() => assertRankings(r, cases.length, kk, ctx.split.numItems)).not.toThrow();
      }
    });

    it('the same seed gives the same output', async () => {
      const cases = testCases();
      const a = await output(built[0].model, cases, k);
      const b = await output(built[1].model, cases, k);
      expect(b).toEqual(a);
    });

    it('scoring does not leak tensors', async () => {
      const cases = testCases();
      await output(built[0].model, cases, k);
      const before = tf.memory().numTensors;
      await output(built[0].model, cases, k);
      await output(built[0].model, cases, k);
      expect(tf.memory().numTensors).toBe(before);
    });

    it('after fit and scoring, dispose frees every tensor the model made', () => {
      for (const b of built) b.model.dispose?.();
      disposed = true;
      expect(tf.memory().numTensors).toBe(base);
    });
  });
}
