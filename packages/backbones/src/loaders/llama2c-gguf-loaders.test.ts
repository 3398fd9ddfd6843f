import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LlamaBackbone } from '../llama/llama-backbone';
import { LlamaModel } from '../llama/llama-model';
import { generate } from '../generation/generate';
import * as tf from '@tensorflow/tfjs-core';
import { container } from 'tsyringe';
import manifest from '../plugin';
import { readLlama2cForTests } from '../llama/testing/read-llama2c-for-tests';
import { readLlama2cTokenizer } from '../tokenizer/read-llama2c-tokenizer';
import { readGgufTokenizer } from '../tokenizer/gguf-vocab-tokenizer';
import { loadLlama2c } from './llama2c-loader';
import { loadGguf } from './gguf-loader';

const MODELS = path.resolve(__dirname, '../../../../../shared/models');
const GOLDEN =
  'Once upon a time, there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. She wanted to play with it, but it was too high.';

describe('llama2.c and GGUF loaders', () => {
  it('stories260K.bin → golden greedy text', async () => {
    const w = await loadLlama2c(path.join(MODELS, 'stories260K/stories260K.bin'));
    expect(w.config.ropeStyle).toBe('interleaved');
    const model = new LlamaModel(w.config, w);
    const ids = generate(model, [w.config.bosId], { maxNewTokens: 64 });
    const text = readLlama2cTokenizer(path.join(MODELS, 'stories260K/tok512.bin')).decode(ids);
    expect(text.startsWith(GOLDEN)).toBe(true);
    model.dispose();
  });

  it('stories260K.f32.gguf → golden greedy text', async () => {
    const w = await loadGguf(path.join(MODELS, 'stories260K/stories260K.f32.gguf'));
    const ref = readLlama2cForTests(path.join(MODELS, 'stories260K/stories260K.bin'));
    expect({ ...w.config, tiedEmbeddings: true }).toEqual(ref.config); // the converter wrote a copy of the head
    expect(w.tensors.get('lm_head.weight')!.data).toEqual(ref.tensors.get('model.embed_tokens.weight')!.data);
    const model = new LlamaModel(w.config, w);
    const ids = generate(model, [w.config.bosId], { maxNewTokens: 64 });
    const tok = await readGgufTokenizer(path.join(MODELS, 'stories260K/stories260K.f32.gguf')); // its embedded vocabulary
    expect(tok.vocabSize).toBe(512);
    const text = tok.decode(ids);
    expect(text.startsWith(GOLDEN)).toBe(true);
    expect(tok.encode(GOLDEN, { bos: true })).toEqual([1, ...ids.slice(0, tok.encode(GOLDEN).length)]);
    model.dispose();
  });
});

describe('backbones:llama plugin with { weights }', () => {
  it('picks the loader by file type (.bin, .gguf) and rejects unknown files clearly', async () => {
    const f = manifest.backbones!.llama;
    const logits: Float32Array[] = [];
    for (const file of ['stories260K/stories260K.bin', 'stories260K/stories260K.f32.gguf']) {
      // the .bin needs its tokenizer; the .gguf carries its own vocabulary
      const tokenizer = file.endsWith('.bin') ? { tokenizer: path.join(MODELS, 'stories260K/tok512.bin') } : {};
      const cfg = f.config.parse({ weights: path.join(MODELS, file), ...tokenizer, lora: { rank: 2, targets: ['q'] } });
      const bb = (await f.create(container.createChildContainer(), cfg)) as LlamaBackbone;
      const model = bb.model;
      expect(model.config).toMatchObject({ dim: 64, nLayers: 5, vocabSize: 512, ropeStyle: 'interleaved' });
      expect(bb.parameterCount().trainable).toBeLessThan(bb.parameterCount().total); // LoRA over pretrained weights
      logits.push(tf.tidy(() => model.forward(tf.tensor2d([[1, 403, 407]], undefined, 'int32')).dataSync() as Float32Array));
      bb.dispose();
    }
    const noTokenizer = f.config.parse({ weights: path.join(MODELS, 'stories260K/stories260K.bin') });
    await expect(f.create(container.createChildContainer(), noTokenizer)).rejects.toMatchObject({ code: 'E_CONFIG' });
    const mismatch = f.config.parse({ weights: path.join(MODELS, 'stories260K/stories260K.bin'), tokenizer: path.join(MODELS, 'llama2-tokenizer/tokenizer.model') });
    await expect(f.create(container.createChildContainer(), mismatch)).rejects.toThrow(/32000 tokens.*512/);
    expect(Math.max(...logits[0].map((x, i) => Math.abs(x - logits[1][i])))).toBeLessThan(1e-4);
    const bad = f.config.parse({ weights: path.join(MODELS, 'README.md'), format: 'gguf' });
    await expect(f.create(container.createChildContainer(), bad)).rejects.toMatchObject({ code: 'E_CHECKPOINT' });
  });
});
