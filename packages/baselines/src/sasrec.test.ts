import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecError, Rng, hasCheckpoint, loadCheckpoint, saveCheckpoint, type JsonValue } from '@ed2/core';
import { recommenderContract, tinyTrainContext } from '@ed2/core/testing';
import { describe, expect, it } from 'vitest';
import { gru4recConfig, sasrecConfig } from './configs';
import { Gru4Rec } from './gru4rec';
import { SasRec } from './sasrec';
import type { SequentialModel } from './sequential-model';

const small = { maxLen: 8, dim: 16, epochs: 3, batchSize: 8, patience: 5 };
const sasrec = (numItems: number, extra: Record<string, unknown> = {}, seed = 7) =>
  new SasRec({ ...sasrecConfig.parse({ ...small, ...extra }), numItems }, new Rng(seed));
const gru = (numItems: number, extra: Record<string, unknown> = {}, seed = 7) =>
  new Gru4Rec({ ...gru4recConfig.parse({ ...small, hidden: 16, ...extra }), numItems, loss: 'ce' }, new Rng(seed));

describe('SasRec / Gru4Rec', () => {
  it('score has shape [batch, numItems] and leaks no tensors', () => {
    for (const m of [sasrec(12), gru(12)]) {
      const before = tf.memory().numTensors;
      const s = m.score([{ user: 0, history: [1, 2, 3], target: 4 }, { user: 1, history: [5], target: 6 }]);
      expect(s.shape).toEqual([2, 12]);
      s.dispose();
      expect(tf.memory().numTensors).toBe(before);
      m.dispose();
    }
  });

  it('SASRec scores a batch at its longest history; the dropped padding columns change no score', () => {
    const m = sasrec(20, { dropout: 0 });
    const batch = [{ user: 0, history: [1, 2, 3], target: 4 }, { user: 1, history: [5], target: 6 }, { user: 2, history: [], target: 7 }];
    const s = m.score(batch);
    // reference: the full maxLen (8) left-padded window, last position · item table
    const full = tf.tidy(() => {
      const ids = tf.tensor2d([[0, 0, 0, 0, 0, 2, 3, 4], [0, 0, 0, 0, 0, 0, 0, 6], [0, 0, 0, 0, 0, 0, 0, 0]], [3, 8], 'int32');
      const last = tf.slice(m.hidden(ids, false, 0), [0, 7, 0], [-1, 1, -1]).reshape([3, 16]);
      return tf.matMul(last, tf.slice(m.variables['item/embedding'], [1, 0], [-1, -1]), false, true);
    });
    const [a, b] = [s.dataSync(), full.dataSync()];
    expect(a.length).toBe(60);
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 5));
    tf.dispose([s, full]);
    m.dispose();
  });

  it('causal mask: future items do not change the hidden state at earlier positions', () => {
    const m = sasrec(20, { dropout: 0 });
    const a = tf.tensor2d([[0, 0, 3, 4, 5, 6, 7, 8]], [1, 8], 'int32');
    const b = tf.tensor2d([[0, 0, 3, 4, 5, 11, 12, 13]], [1, 8], 'int32');
    const ha = m.hidden(a, false, 0);
    const hb = m.hidden(b, false, 0);
    const early = (h: tf.Tensor3D) => Array.from(tf.slice(h, [0, 2, 0], [1, 3, -1]).dataSync());
    const ea = early(ha);
    const eb = early(hb);
    ea.forEach((v, i) => expect(eb[i]).toBeCloseTo(v, 5));
    expect(Array.from(tf.slice(ha, [0, 7, 0], [1, 1, -1]).dataSync())).not.toEqual(Array.from(tf.slice(hb, [0, 7, 0], [1, 1, -1]).dataSync()));
    tf.dispose([a, b, ha, hb]);
    m.dispose();
  });

  it.each(['ce', 'bce'] as const)('%s loss decreases and a train step leaks no tensors', async (loss) => {
    const ctx = tinyTrainContext({ seed: 3, numUsers: 24, numItems: 20 });
    const m = sasrec(20, { loss, epochs: 8, patience: 100, dropout: 0.1 });
    const before = tf.memory().numTensors;
    const report = await m.fit(ctx);
    expect(tf.memory().numTensors).toBe(before);
    expect(report.history[report.history.length - 1].loss).toBeLessThan(report.history[0].loss);
    m.dispose();
  });

  it('tied=false scores against its own output table; BCE with history negatives trains it without leaks', async () => {
    const tied = sasrec(20);
    const m = sasrec(20, { tied: false, loss: 'bce', historyNegatives: 0.5, epochs: 6, patience: 100, dropout: 0.1 });
    expect(m.parameterCount() - tied.parameterCount()).toBe(21 * 16);
    const cases = [{ user: 0, history: [1, 2, 3], target: 4 }];
    const before = tf.memory().numTensors;
    const out = m.variables['item/output'];
    const saved = out.clone();
    tf.tidy(() => out.assign(tf.zerosLike(out)));
    const zero = m.score(cases);
    expect(Array.from(zero.dataSync()).every((v) => v === 0)).toBe(true); // the input table is untouched and unused
    out.assign(saved);
    tf.dispose([zero, saved]);
    const ctx = tinyTrainContext({ seed: 3, numUsers: 24, numItems: 20 });
    const emb0 = Array.from(m.variables['item/embedding'].dataSync());
    const report = await m.fit(ctx);
    expect(tf.memory().numTensors).toBe(before);
    expect(report.history[report.history.length - 1].loss).toBeLessThan(report.history[0].loss);
    expect(Array.from(m.variables['item/embedding'].dataSync())).not.toEqual(emb0); // both tables learn
    tied.dispose();
    m.dispose();
  });

  it('CE models beat popularity on a learnable toy set', async () => {
    const ctx = tinyTrainContext({ seed: 5, numUsers: 48, numItems: 16, minLength: 7, maxLength: 9 });
    const counts = new Array<number>(16).fill(0);
    ctx.split.train.forEach((s) => s.forEach((i) => counts[i]++));
    const popTop = counts.map((c, i) => [c, i]).sort((a, b) => b[0] - a[0]).slice(0, 3).map((x) => x[1]);
    const popHr = ctx.split.test.filter((c) => popTop.includes(c.target)).length / ctx.split.test.length;
    for (const m of [sasrec(16, { epochs: 40, patience: 100, dropout: 0.1, learningRate: 5e-3 }), gru(16, { epochs: 40, patience: 100, dropout: 0.1, learningRate: 5e-3 })]) {
      await m.fit(ctx);
      const s = m.score(ctx.split.test);
      const top = tf.topk(s, 3);
      const idx = top.indices.arraySync() as number[][];
      const hr = ctx.split.test.filter((c, i) => idx[i].includes(c.target)).length / ctx.split.test.length;
      tf.dispose([s, top.indices, top.values]);
      expect(hr).toBeGreaterThan(popHr + 0.2);
      m.dispose();
    }
  });

  it('resume from a checkpoint gives the same final weights as an uninterrupted run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baselines-resume-'));
    try {
      const weights = (m: SequentialModel) => Object.values(m.variables).flatMap((v) => Array.from(v.dataSync()));
      const full = sasrec(20, { epochs: 4, patience: 100 });
      const rFull = await full.fit(tinyTrainContext({ seed: 2, numItems: 20 }));
      const part = sasrec(20, { epochs: 2, patience: 100 });
      await part.fit({ ...tinyTrainContext({ seed: 2, numItems: 20 }), checkpointDir: dir });
      part.dispose();
      const rest = sasrec(20, { epochs: 4, patience: 100 }, 99); // different init: must be overwritten
      const ctx = tinyTrainContext({ seed: 2, numItems: 20 });
      const rRest = await rest.fit({ ...ctx, validate: ctx.validate, checkpointDir: dir, resume: true });
      expect(rRest.resumedFromEpoch).toBe(2);
      expect(rRest.bestValid).toEqual(rFull.bestValid);
      expect(weights(rest)).toEqual(weights(full));
      full.dispose();
      rest.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a checkpoint written by the trainer before the shared loop (epochs-completed meta) resumes to the uninterrupted weights', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baselines-legacy-'));
    try {
      const weights = (m: SequentialModel) => Object.values(m.variables).flatMap((v) => Array.from(v.dataSync()));
      const full = sasrec(20, { epochs: 4, patience: 100 });
      await full.fit(tinyTrainContext({ seed: 2, numItems: 20 }));
      const part = sasrec(20, { epochs: 2, patience: 100 });
      await part.fit({ ...tinyTrainContext({ seed: 2, numItems: 20 }), checkpointDir: dir });
      part.dispose();
      // rewrite the meta as the old trainer wrote it: epoch = epochs completed, best null when none, absolute rates
      const ck = await loadCheckpoint(dir);
      const { progress: p } = ck.meta as unknown as { progress: { epoch: number; bestEpoch: number; best: number | null; bestValid: object; bad: number; lrScale: number; sinceDecay: number; history: { lr: number }[] } };
      const legacy = { epoch: p.epoch - 1, bestEpoch: p.bestEpoch, best: p.best, bestValid: p.bestValid, bad: p.bad, lrScale: p.lrScale, sinceDecay: p.sinceDecay, history: p.history.map((h) => ({ ...h, lr: h.lr * 1e-3 })) };
      await saveCheckpoint(dir, { ...ck, meta: JSON.parse(JSON.stringify(legacy)) as JsonValue });
      tf.dispose([...Object.values(ck.tensors), ...Object.values(ck.optimizer?.m ?? {}), ...Object.values(ck.optimizer?.v ?? {})]);
      const rest = sasrec(20, { epochs: 4, patience: 100 }, 99);
      const r = await rest.fit({ ...tinyTrainContext({ seed: 2, numItems: 20 }), checkpointDir: dir, resume: true });
      expect(r.resumedFromEpoch).toBe(2);
      expect(r.history.map((h) => h.lr)).toEqual([1e-3, 1e-3, 1e-3, 1e-3].map((x) => expect.closeTo(x, 15)));
      expect(weights(rest)).toEqual(weights(full));
      full.dispose();
      rest.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reduce on plateau: the rate drops after lrPatience epochs without gain, steps use it, resume keeps it', async () => {
    // validation scripted to improve at epochs 1 and 2 only; the item table is snapshot at each validation
    const script = [0.1, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2];
    const run = async (epochs: number, extra: { checkpointDir?: string; resume?: boolean } = {}) => {
      const m = sasrec(20, { epochs, patience: 100, lrDecay: 1e-4, lrPatience: 2, learningRate: 1e-2 });
      const snaps: Float32Array[] = [];
      const ctx = tinyTrainContext({ seed: 4, numItems: 20 });
      const r = await m.fit({
        ...ctx,
        ...extra,
        validate: async () => {
          snaps.push(m.itemTable.dataSync().slice() as Float32Array);
          return { 'ndcg@10': script[snaps.length - 1 + (extra.resume ? 3 : 0)] };
        },
      });
      m.dispose();
      return { r, snaps };
    };
    const { r, snaps } = await run(7);
    // epochs 3 and 4 bring no gain → after epoch 4 the rate is 1e-2·1e-4; epochs 5, 6 no gain again → ·1e-4 after 6
    expect(r.history.map((h) => h.lr)).toEqual([1e-2, 1e-2, 1e-2, 1e-2, 1e-6, 1e-6, 1e-10].map((x) => expect.closeTo(x, 15)));
    const change = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => Math.max(s, Math.abs(v - b[i])), 0);
    expect(change(snaps[3], snaps[2])).toBeGreaterThan(1e-3); // epoch 4 still at 1e-2
    expect(change(snaps[4], snaps[3])).toBeLessThan(1e-5); // epoch 5 at 1e-6: Adam moves ≤ lr per step
    const dir = mkdtempSync(join(tmpdir(), 'baselines-lr-'));
    try {
      await run(3, { checkpointDir: dir });
      const resumed = await run(7, { checkpointDir: dir, resume: true });
      expect(resumed.r.history.map((h) => h.lr)).toEqual(r.history.map((h) => h.lr));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a validation without the early-stopping metric fails at the first validation, naming it and the computed ones', async () => {
    // `rec run --ks 5,20`: no ndcg@10 (the default metric); it used to read as -Infinity and early-stop silently
    const dir = mkdtempSync(join(tmpdir(), 'baselines-metric-'));
    try {
      const m = sasrec(20, { epochs: 5, patience: 2 });
      const before = tf.memory().numTensors;
      let calls = 0;
      const ctx = tinyTrainContext({ seed: 4, numItems: 20 });
      const fit = m.fit({
        ...ctx,
        checkpointDir: dir,
        validate: async () => {
          calls++;
          return { 'hr@5': 0.2, 'ndcg@5': 0.1, 'hr@20': 0.5, 'ndcg@20': 0.3 };
        },
      });
      const err = await fit.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(RecError.is(err, 'E_CONFIG')).toBe(true);
      const { message, hint } = err as RecError;
      expect(message).toContain("'ndcg@10'");
      for (const k of ['hr@5', 'ndcg@5', 'hr@20', 'ndcg@20']) expect(message).toContain(k);
      expect(hint).toContain('--set metric=ndcg@5');
      expect(hint).toContain('--ks');
      expect(calls).toBe(1); // the first validation, not after `patience` epochs
      expect(hasCheckpoint(dir)).toBe(false); // nothing of the failed epoch was written
      expect(tf.memory().numTensors).toBe(before);
      m.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('abort stops training with E_ABORTED before the first step, writing nothing', async () => {
    const ac = new AbortController();
    ac.abort();
    const m = gru(20);
    const dir = mkdtempSync(join(tmpdir(), 'baselines-abort-'));
    try {
      await expect(m.fit({ ...tinyTrainContext({ seed: 1, numItems: 20 }), checkpointDir: dir, signal: ac.signal })).rejects.toMatchObject({ code: 'E_ABORTED' });
      expect(hasCheckpoint(dir)).toBe(false);
    } finally {
      m.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an abort raised by a signal handler (a macrotask) inside an epoch checkpoints that step; --resume ends with the uninterrupted weights', async () => {
    const weights = (m: SequentialModel) => Object.values(m.variables).flatMap((v) => Array.from(v.dataSync()));
    const opts = { batchSize: 2, epochs: 2, patience: 100, loss: 'bce' }; // several steps per epoch; BCE draws negatives from the rng
    const full = sasrec(20, opts);
    const rFull = await full.fit(tinyTrainContext({ seed: 1, numItems: 20 }));
    const dir = mkdtempSync(join(tmpdir(), 'baselines-abort-step-'));
    try {
      const ac = new AbortController();
      const ctx = tinyTrainContext({ seed: 1, numItems: 20 });
      let ticks = 0;
      ctx.events.on((e) => {
        // what process.on('SIGINT') does: the abort runs only when the loop yields, here after step 3 of epoch 2
        if (e.type === 'progress' && e.label === 'epoch 2/2' && e.current === 3 && !e.done && ticks++ === 0) setImmediate(() => ac.abort());
      });
      const part = sasrec(20, opts);
      await expect(part.fit({ ...ctx, checkpointDir: dir, signal: ac.signal })).rejects.toMatchObject({ code: 'E_ABORTED', message: expect.stringMatching(/epoch 2, step [34]/) });
      part.dispose();
      const rest = sasrec(20, opts, 99); // another init: the checkpoint overwrites it
      const rRest = await rest.fit({ ...tinyTrainContext({ seed: 1, numItems: 20 }), checkpointDir: dir, resume: true });
      expect(rRest.resumedFromEpoch).toBe(1);
      expect(rRest.history.map((h) => h.loss)).toEqual(rFull.history.map((h) => h.loss));
      expect(rRest.bestValid).toEqual(rFull.bestValid);
      expect(weights(rest)).toEqual(weights(full));
      rest.dispose();
    } finally {
      full.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('weights turned NaN after epoch 1 stop epoch 2 at its first step with E_NUMERIC naming the epoch-1 checkpoint, which resumes finitely', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baselines-nan-'));
    try {
      const m = sasrec(20, { epochs: 3, patience: 100 });
      const before = tf.memory().numTensors;
      const ctx = tinyTrainContext({ seed: 3, numItems: 20 });
      const onEpoch = async (h: readonly { epoch: number }[]) => {
        if (h.length === 1) tf.tidy(() => m.itemTable.assign(tf.fill(m.itemTable.shape, Number.NaN))); // after the epoch-1 checkpoint
      };
      const err = await m.fit({ ...ctx, checkpointDir: dir, onEpoch }).catch((e: unknown) => e);
      expect(RecError.is(err, 'E_NUMERIC')).toBe(true);
      expect((err as RecError).message).toMatch(/sasrec: the loss is NaN at epoch 2, step 1 .*the last good checkpoint \(at the end of epoch 1\) is .*baselines-nan-/);
      expect(tf.memory().numTensors).toBe(before);
      m.dispose();
      const again = sasrec(20, { epochs: 3, patience: 100 });
      const r = await again.fit({ ...tinyTrainContext({ seed: 3, numItems: 20 }), checkpointDir: dir, resume: true });
      expect(r.resumedFromEpoch).toBe(1);
      expect(r.history.every((h) => Number.isFinite(h.loss))).toBe(true);
      expect(r.history).toHaveLength(3);
      again.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('configs are strict', () => {
    expect(() => sasrecConfig.parse({ dimension: 3 })).toThrow();
    expect(sasrecConfig.parse({})).toMatchObject({ maxLen: 50, dim: 64, layers: 2, heads: 2, batchSize: 256, learningRate: 1e-3 });
  });
});

recommenderContract('sasrec', async () => {
  const ctx = tinyTrainContext({ seed: 1 });
  return { model: sasrec(ctx.split.numItems, { epochs: 2 }), ctx };
});
recommenderContract('gru4rec', async () => {
  const ctx = tinyTrainContext({ seed: 1 });
  return { model: gru(ctx.split.numItems, { epochs: 2 }), ctx };
});
