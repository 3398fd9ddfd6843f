import * as tf from '@tensorflow/tfjs-core';
import * as path from 'node:path';
import { existsSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { Rng } from '@ed2/core';
import { LlamaModel } from './llama-model';
import { LlamaConfig } from './llama-config';
import { generate } from '../generation/generate';
import { readLlama2cForTests, readLlama2cVocabForTests, decodeForTests } from './testing/read-llama2c-for-tests';

const MODELS = path.resolve(__dirname, '../../../../../shared/models');
const GOLDEN =
  'Once upon a time, there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. She wanted to play with it, but it was too high.';

const small = LlamaConfig.parse({ dim: 16, nLayers: 2, nHeads: 4, nKvHeads: 2, hiddenDim: 24, vocabSize: 20, maxSeqLen: 32 });

describe('LlamaModel', () => {
  it('reproduces the stories260K golden text greedily from BOS', () => {
    const bin = path.join(MODELS, 'stories260K/stories260K.bin');
    expect(existsSync(bin)).toBe(true);
    const w = readLlama2cForTests(bin);
    const model = new LlamaModel(w.config, w);
    const ids = generate(model, [w.config.bosId], { maxNewTokens: 64 });
    const text = decodeForTests(readLlama2cVocabForTests(path.join(MODELS, 'stories260K/tok512.bin')), ids);
    expect(text.startsWith(GOLDEN)).toBe(true);
    model.dispose();
  });

  it('incremental decoding with the KV cache equals the full forward pass', () => {
    const model = new LlamaModel(small, undefined, new Rng(3));
    const seq = [1, 5, 7, 3, 9, 11];
    const before = tf.memory().numTensors;
    const x = [tf.tensor2d([seq], undefined, 'int32'), tf.tensor2d([seq.slice(0, 4)], undefined, 'int32'), tf.tensor2d([seq.slice(4)], undefined, 'int32')];
    const full = model.forward(x[0]);
    const cache = model.newCache();
    const a = model.forward(x[1], { cache });
    const b = model.forward(x[2], { cache });
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(full, tf.concat([a, b], 1)))).dataSync()[0]);
    expect(diff).toBeLessThan(1e-4);
    tf.dispose([...x, full, a, b, ...cache.layers.flatMap((l) => [l.k, l.v])]);
    // only the cached causal-mask constants (one per shape: 6x6, 4x4, 2x6) remain
    expect(tf.memory().numTensors - before).toBe(3);
    model.dispose();
  });

  it('rejects a weight of the wrong shape naming the tensor and both shapes', () => {
    const tensors = new Map([['model.embed_tokens.weight', { shape: [20, 8], data: new Float32Array(160) }]]);
    expect(() => new LlamaModel(small, { config: small, tensors })).toThrow(/model\.embed_tokens\.weight.*\[20,8\].*\[20,16\]/);
  });

  it('pads with an attention mask without changing the real rows', () => {
    const model = new LlamaModel(small, undefined, new Rng(4));
    const h1 = model.hidden(tf.tensor2d([[1, 4, 6]], undefined, 'int32'));
    const h2 = model.hidden(tf.tensor2d([[1, 4, 6, 0, 0]], undefined, 'int32'), { attentionMask: tf.tensor2d([[1, 1, 1, 0, 0]]) });
    const d = tf.max(tf.abs(tf.sub(h1, tf.slice(h2, [0, 0, 0], [1, 3, 16])))).dataSync()[0];
    expect(d).toBeLessThan(1e-5);
    model.dispose();
  });

  describe('a full [batch, seq, seq] attention mask', () => {
    // positions 0..7; an "item" span [2, 5): its tokens may see only 2..(themselves); the rest is causal
    const T = 8;
    const allowed = (i: number, j: number) => j <= i && (i >= 2 && i < 5 ? j >= 2 : true);
    const mask = Array.from({ length: T }, (_, i) => Array.from({ length: T }, (_, j) => (allowed(i, j) ? 1 : 0)));
    const seq = [1, 5, 7, 3, 9, 11, 4, 6];

    it('with one layer equals, row by row, a forward whose key mask is that row (brute force per position)', () => {
      const one = LlamaConfig.parse({ ...small, nLayers: 1 });
      const model = new LlamaModel(one, undefined, new Rng(5));
      const ids = tf.tensor2d([seq], undefined, 'int32');
      const full = model.hidden(ids, { attentionMask: tf.tensor3d([mask]) });
      const got = full.arraySync()[0];
      for (let i = 0; i < T; i++) {
        const row = model.hidden(ids, { attentionMask: tf.tensor2d([mask[i]]) });
        const want = row.arraySync()[0][i];
        row.dispose();
        for (let k = 0; k < one.dim; k++) expect(got[i][k]).toBeCloseTo(want[k], 5);
      }
      // and the mask matters: position 3 differs from the plain causal forward
      const causal = model.hidden(ids).arraySync()[0];
      expect(Math.max(...causal[3].map((x, k) => Math.abs(x - got[3][k])))).toBeGreaterThan(1e-3);
      tf.dispose([ids, full]);
      model.dispose();
    });

    it('with two layers, the span tokens equal the span run alone (RoPE is relative), an all-ones mask equals no mask', () => {
      const model = new LlamaModel(small, undefined, new Rng(6));
      const ids = tf.tensor2d([seq], undefined, 'int32');
      const masked = model.hidden(ids, { attentionMask: tf.tensor3d([mask]) }).arraySync()[0];
      const alone = model.hidden(tf.tensor2d([seq.slice(2, 5)], undefined, 'int32')).arraySync()[0];
      for (let p = 0; p < 3; p++) for (let k = 0; k < small.dim; k++) expect(masked[2 + p][k]).toBeCloseTo(alone[p][k], 4);
      const ones = model.hidden(ids, { attentionMask: tf.ones([1, T, T]) as tf.Tensor3D }).arraySync()[0];
      const plain = model.hidden(ids).arraySync()[0];
      for (let i = 0; i < T; i++) for (let k = 0; k < small.dim; k++) expect(ones[i][k]).toBeCloseTo(plain[i][k], 5);
      expect(() => model.hidden(ids, { attentionMask: tf.ones([1, T - 1, T]) as tf.Tensor3D })).toThrow(/attentionMask has shape \[1,7,8\]/);
      model.dispose();
    });
  });
});
