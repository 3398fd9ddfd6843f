import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Rng, readSafetensors } from '@ed2/core';
import { T5Model, type T5Weights } from './t5-model';
import { relativePositionBucket } from './relative-position-bucket';

const FIX = join(__dirname, '__fixtures__');

interface Reference {
  config: Record<string, number>;
  encoder: number[][];
  mask: number[][];
  decoder: number[][];
}

async function loadReference(): Promise<{ ref: Reference; weights: T5Weights; logits: Float32Array; shape: number[] }> {
  const ref = JSON.parse(readFileSync(join(FIX, 't5-reference.json'), 'utf8')) as Reference;
  const { tensors } = await readSafetensors(join(FIX, 't5-reference.safetensors'));
  const weights = new Map(Object.entries(tensors).map(([k, t]) => [k, { data: t.dataSync() as Float32Array, shape: t.shape }]));
  tf.dispose(Object.values(tensors));
  const out = await readSafetensors(join(FIX, 't5-reference-logits.safetensors'));
  const l = out.tensors.logits;
  const logits = l.dataSync() as Float32Array;
  const shape = l.shape;
  l.dispose();
  return { ref, weights, logits, shape };
}

describe('T5Model', () => {
  it('relative-position buckets match T5 hand-computed values', () => {
    // bidirectional, 8 buckets, max distance 20: 4 per side, exact below 2, then 2 + ⌊log(r/2)/log(10)·2⌋ capped at 3
    expect([0, -1, -2, -5, -19, -20, -100].map((r) => relativePositionBucket(r, true, 8, 20))).toEqual([0, 1, 2, 2, 3, 3, 3]);
    expect([1, 2, 7].map((r) => relativePositionBucket(r, true, 8, 20))).toEqual([5, 6, 7]); // 7: 4 + 2 + ⌊log 3.5 / log 10 · 2⌋
    // causal, 32 buckets, max 128: exact below 16; r = 32 → 16 + ⌊log 2 / log 8 · 16⌋ = 16 + 5
    expect([0, 3, 15, 16, 32, 127, 500].map((r) => relativePositionBucket(-r, false, 32, 128))).toEqual([0, 3, 15, 16, 21, 31, 31]);
    expect(relativePositionBucket(4, false, 32, 128)).toBe(0); // future positions share bucket 0 (masked anyway)
  });

  it('matches Hugging Face T5ForConditionalGeneration on the same weights (max |Δlogit| < 1e-4)', async () => {
    const { ref, weights, logits, shape } = await loadReference();
    const model = new T5Model({ ...ref.config, vocabSize: ref.config.vocabSize }, new Rng(0), weights);
    const got = tf.tidy(() => {
      const enc = model.encode(tf.tensor2d(ref.encoder, undefined, 'int32'), tf.tensor2d(ref.mask));
      const h = model.decode(tf.tensor2d(ref.decoder, undefined, 'int32'), enc, tf.tensor2d(ref.mask));
      const [b, t, d] = h.shape;
      return tf.reshape(model.logits(tf.reshape(h, [b * t, d])), [b, t, -1]);
    });
    expect(got.shape).toEqual(shape);
    const data = got.dataSync();
    let max = 0;
    for (let i = 0; i < data.length; i++) max = Math.max(max, Math.abs(data[i] - logits[i]));
    expect(max).toBeLessThan(1e-4);
    // the reference logits are not trivially small (a broken model could pass a loose check near zero)
    expect(Math.max(...Array.from(logits, Math.abs))).toBeGreaterThan(0.5);
    got.dispose();
    model.dispose();
  });

  it('KV-cached step-by-step decoding equals the full decoder pass, and frees its cache', () => {
    const model = new T5Model({ vocabSize: 30, dModel: 16, nHeads: 2, dKv: 8, dFf: 24, encoderLayers: 2, decoderLayers: 2, relativeBuckets: 8, relativeMaxDistance: 12 }, new Rng(7));
    const enc = [[3, 4, 5, 6, 7, 8], [9, 10, 11, 0, 0, 0]];
    const mask = [[1, 1, 1, 1, 1, 1], [1, 1, 1, 0, 0, 0]];
    const dec = [[0, 12, 13, 14, 15, 16, 17], [0, 20, 21, 22, 23, 24, 25]];
    const before = tf.memory().numTensors;
    const full = tf.tidy(() => {
      const e = model.encode(tf.tensor2d(enc, undefined, 'int32'), tf.tensor2d(mask));
      return model.decode(tf.tensor2d(dec, undefined, 'int32'), e, tf.tensor2d(mask));
    });
    const e = tf.tidy(() => model.encode(tf.tensor2d(enc, undefined, 'int32'), tf.tensor2d(mask)));
    const m = tf.tensor2d(mask);
    const cache = model.startCache(e, m);
    tf.dispose([e, m]);
    const steps: tf.Tensor2D[] = [];
    for (let t = 0; t < dec[0].length; t++) steps.push(model.step(dec.map((r) => r[t]), cache));
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(full, tf.stack(steps, 1)))).dataSync()[0]);
    expect(diff).toBeLessThan(1e-5);
    // reordering rows (beam search) gives the other row's next step
    T5Model.reorderCache(cache, [1, 1]);
    const next = model.step([26, 26], cache);
    const rows = next.arraySync();
    expect(Math.max(...rows[0].map((x, i) => Math.abs(x - rows[1][i])))).toBeLessThan(1e-6);
    T5Model.disposeCache(cache);
    tf.dispose([full, next, ...steps]);
    // only the cached relative-bucket one-hots (one per distinct shape) remain
    const cached = tf.memory().numTensors - before;
    expect(cached).toBeGreaterThan(0);
    expect(cached).toBeLessThanOrEqual(dec[0].length + 3);
    model.dispose();
  });

  it('rejects a weight of the wrong shape naming the tensor and both shapes', () => {
    const w = new Map([['shared.weight', { data: new Float32Array(40), shape: [4, 10] }]]);
    expect(() => new T5Model({ vocabSize: 4, dModel: 8, nHeads: 2, dKv: 4, dFf: 8, encoderLayers: 1, decoderLayers: 1 }, new Rng(0), w)).toThrow(/shared\.weight.*\[4,10\].*\[4,8\]/);
  });
});
