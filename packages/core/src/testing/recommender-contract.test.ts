import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { hasCheckpoint, loadCheckpoint, saveCheckpoint } from '../checkpoint/checkpoint';
import type { EvalCase } from '../domain/split';
import type { TrainContext, TrainReport, TrainableRecommender } from '../domain/trainable-recommender';
import { AdamW } from '../optim/adamw';
import { assertRankings, assertScores, assertTrainReport, recommenderContract, tinyTrainContext } from './recommender-contract';

/**
 * A minimal next-item model to exercise the suite end to end: score(history) = E[last] · Wᵀ, trained
 * with AdamW on (previous → next) pairs, checkpointing after each epoch.
 */
class ToyRecommender implements TrainableRecommender {
  static instances = 0;
  readonly name = 'toy';
  private emb?: tf.Variable;
  private out?: tf.Variable;
  private numItems = 0;

  async fit(ctx: TrainContext): Promise<TrainReport> {
    const n = (this.numItems = ctx.split.numItems);
    const init = ctx.rng.fork('init');
    this.emb = tf.tidy(() => tf.variable(tf.randomNormal([n, 8], 0, 0.1, 'float32', init.tfSeed()), true, `toy${ToyRecommender.instances}/emb`));
    this.out = tf.tidy(() => tf.variable(tf.randomNormal([n, 8], 0, 0.1, 'float32', init.tfSeed()), true, `toy${ToyRecommender.instances++}/out`));
    const prev: number[] = [];
    const next: number[] = [];
    for (const s of ctx.split.train) {
      for (let i = 1; i < s.length; i++) {
        prev.push(s[i - 1]);
        next.push(s[i]);
      }
    }
    const opt = new AdamW({ learningRate: 0.05, weightDecay: 0.01, noDecay: (v) => v.endsWith('/emb') });
    const start = performance.now();
    const history: { epoch: number; loss: number; seconds: number }[] = [];
    for (let epoch = 1; epoch <= 3; epoch++) {
      const t0 = performance.now();
      const loss = opt.minimize(() => tf.tidy(() => {
        const x = tf.matMul(tf.cast(tf.oneHot(tf.tensor1d(prev, 'int32'), n), 'float32'), this.emb!);
        const logp = tf.logSoftmax(tf.matMul(x, this.out!, false, true));
        return tf.neg(tf.mean(tf.sum(tf.mul(tf.cast(tf.oneHot(tf.tensor1d(next, 'int32'), n), 'float32'), logp), 1))) as tf.Scalar;
      }), true, [this.emb, this.out])!;
      history.push({ epoch, loss: (await loss.data())[0], seconds: (performance.now() - t0) / 1000 });
      loss.dispose();
      if (ctx.checkpointDir) {
        const state = opt.getState();
        await saveCheckpoint(ctx.checkpointDir, { tensors: { emb: this.emb, out: this.out }, optimizer: state, rng: ctx.rng.state(), meta: { epoch } });
        tf.dispose([...Object.values(state.m), ...Object.values(state.v)]);
      }
    }
    opt.dispose();
    const valid = await ctx.validate(this);
    return { epochs: 3, bestEpoch: 3, bestValid: valid, seconds: (performance.now() - start) / 1000, history };
  }

  score(cases: readonly EvalCase[]): tf.Tensor2D {
    const last = cases.map((c) => c.history[c.history.length - 1] ?? 0);
    return tf.tidy(() => tf.matMul(tf.matMul(tf.cast(tf.oneHot(tf.tensor1d(last, 'int32'), this.numItems), 'float32'), this.emb!), this.out!, false, true));
  }

  parameterCount(): number {
    return (this.emb?.size ?? 0) + (this.out?.size ?? 0);
  }

  dispose(): void {
    this.emb?.dispose();
    this.out?.dispose();
  }
}

recommenderContract('toy (score)', async () => ({ model: new ToyRecommender(), ctx: tinyTrainContext({ seed: 5 }) }));

recommenderContract(
  'last-item successor (recommend, not trainable)',
  async () => ({
    model: {
      name: 'successor',
      recommend: async (cases: readonly EvalCase[], k: number) =>
        cases.map((c) => ({ items: Array.from({ length: k }, (_, i) => (c.history[c.history.length - 1] + 1 + i) % 24) })),
    },
    ctx: tinyTrainContext(),
  }),
  { trainable: false },
);

describe('contract helpers', () => {
  it('tinyTrainContext is deterministic, leave-one-out, and its validate ranks a model', async () => {
    const a = tinyTrainContext({ seed: 9 });
    expect(tinyTrainContext({ seed: 9 }).corpus.sequences).toEqual(a.corpus.sequences);
    const u = 3;
    const seq = a.corpus.sequences[u];
    expect(a.split.test[u]).toEqual({ user: u, history: seq.slice(0, -1), target: seq[seq.length - 1] });
    expect(a.split.valid[u].target).toBe(seq[seq.length - 2]);
    // Ranking the true successor first gets hr@10 above chance (structure: 80% i → i+1).
    const oracle = { name: 'o', recommend: async (cs: readonly EvalCase[], k: number) => cs.map((c) => ({ items: Array.from({ length: k }, (_, i) => (c.history[c.history.length - 1] + 1 + i) % 24) })) };
    const m = await a.validate(oracle);
    expect(m['hr@10']).toBeGreaterThan(0.6);
    expect(m['ndcg@10']).toBeLessThanOrEqual(m['hr@10']);
  });

  it('the toy model writes a checkpoint that loads back', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'ed2-toy-'));
    const model = new ToyRecommender();
    await model.fit({ ...tinyTrainContext(), checkpointDir: join(dir, 'ck') });
    expect(hasCheckpoint(join(dir, 'ck'))).toBe(true);
    const ck = await loadCheckpoint(join(dir, 'ck'));
    expect(ck.meta).toEqual({ epoch: 3 });
    expect(ck.optimizer?.step).toBe(3);
    expect(ck.tensors.emb.shape).toEqual([24, 8]);
    tf.dispose([...Object.values(ck.tensors), ...Object.values(ck.optimizer!.m), ...Object.values(ck.optimizer!.v)]);
    model.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the assertion helpers reject bad outputs', () => {
    expect(() => assertTrainReport({ epochs: 1, bestEpoch: 1, bestValid: { hr: NaN }, seconds: 1, history: [] })).toThrow(/bestValid/);
    expect(() => assertTrainReport({ epochs: 1, bestEpoch: 1, bestValid: {}, seconds: 1, history: [{ epoch: 1, loss: Infinity, seconds: 0 }] })).toThrow(/loss/);
    expect(() => assertRankings([{ items: [1, 1, 2] }], 1, 3, 10)).toThrow(/repeats/);
    expect(() => assertRankings([{ items: [1, 2, 10] }], 1, 3, 10)).toThrow(/invalid item id 10/);
    expect(() => assertRankings([{ items: [1, 2] }], 1, 3, 10)).toThrow(/expected k = 3/);
    const s = tf.tensor2d([[0, NaN]]);
    expect(() => assertScores(s, 1, 2)).toThrow(/non-finite/);
    expect(() => assertScores(s, 1, 3)).toThrow(/expected \[1, 3\]/);
    s.dispose();
  });
});
