import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it, expect } from 'vitest';
import { Rng } from '@ed2/core';
import { LlamaModel } from '../llama/llama-model';
import { LlamaConfig } from '../llama/llama-config';
import { LlamaEncoder } from '../llama/llama-encoder';
import { applyLora, mergeLora, saveAdapters, loadAdapters } from './lora';
import { LoraLinear } from './lora-linear';

const cfg = LlamaConfig.parse({ dim: 16, nLayers: 2, nHeads: 4, nKvHeads: 4, hiddenDim: 24, vocabSize: 16, maxSeqLen: 32, tiedEmbeddings: false });

function logits(model: LlamaModel, ids: number[]): Float32Array {
  return tf.tidy(() => model.forward(tf.tensor2d([ids], undefined, 'int32')).dataSync() as Float32Array);
}

/** Give every adapter non-zero B so it changes the output. */
function perturb(model: LlamaModel): void {
  for (const v of model.trainableVariables()) v.assign(tf.tidy(() => tf.add(v, tf.randomNormal(v.shape, 0, 0.2, 'float32', 5))));
}

describe('LoRA', () => {
  it('merge() gives the same logits as the adapter path', () => {
    const model = new LlamaModel(cfg, undefined, new Rng(1));
    applyLora(model, { rank: 4, targets: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] }, new Rng(2));
    perturb(model);
    const ids = [1, 3, 5, 7];
    const withAdapters = logits(model, ids);
    mergeLora(model);
    expect(model.trainableVariables().length).toBe(0);
    const merged = logits(model, ids);
    merged.forEach((x, i) => expect(x).toBeCloseTo(withAdapters[i], 4));
    model.dispose();
  });

  it('saves and loads adapters (and added-token rows) alone', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lora-'));
    try {
      const a = new LlamaModel(cfg, undefined, new Rng(1));
      applyLora(a, { rank: 2, targets: ['q', 'down'] }, new Rng(2));
      a.extendVocab(2, new Rng(3));
      perturb(a);
      await saveAdapters(a, path.join(dir, 'ad'));
      const b = new LlamaModel(cfg, undefined, new Rng(1)); // same base weights (same seed)
      b.extendVocab(2, new Rng(9));
      await loadAdapters(b, path.join(dir, 'ad'));
      expect(logits(b, [1, 16, 4, 17])).toEqual(logits(a, [1, 16, 4, 17]));
      a.dispose();
      b.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('LlamaEncoder', () => {
  it('mean-pools per text independent of batch padding and caches repeated texts', () => {
    const model = new LlamaModel(cfg, undefined, new Rng(4));
    const tok = { encode: (t: string) => [1, ...Array.from(t, (ch) => 3 + (ch.charCodeAt(0) % 13))] };
    const enc = new LlamaEncoder(model, tok, 4);
    const both = enc.encode(['abc', 'a much longer text']);
    expect(both.shape).toEqual([2, 16]);
    expect(enc.computed).toBe(2);
    const alone = new LlamaEncoder(model, tok).encode(['abc']);
    const d = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.slice(both, [0, 0], [1, 16]), alone))).dataSync()[0]);
    expect(d).toBeLessThan(1e-5);
    const again = enc.encode(['abc', 'abc', 'a much longer text']);
    expect(enc.computed).toBe(2);
    expect(again.shape).toEqual([3, 16]);
    tf.dispose([both, alone, again]);
    model.dispose();
  });

  it('setAdapter accepts the layer\'s own current adapter tensors and leaks nothing', () => {
    const lin = new LoraLinear(tf.randomNormal([6, 5], 0, 1, 'float32', 3) as tf.Tensor2D);
    lin.setAdapter(tf.ones([6, 2]) as tf.Tensor2D, tf.fill([2, 5], 0.5) as tf.Tensor2D, 1, 'test.q');
    const before = tf.memory().numTensors;
    const a = Array.from(lin.a!.dataSync());
    lin.setAdapter(lin.a!, lin.b!, 2, 'test.q');
    expect(Array.from(lin.a!.dataSync())).toEqual(a);
    expect(tf.memory().numTensors).toBe(before);
    lin.dispose();
  });
});
