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
});
