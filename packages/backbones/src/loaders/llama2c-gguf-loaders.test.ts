import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LlamaModel } from '../llama/llama-model';
import { generate } from '../generation/generate';
import { decodeForTests, readLlama2cForTests, readLlama2cVocabForTests } from '../llama/testing/read-llama2c-for-tests';
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
    const text = decodeForTests(readLlama2cVocabForTests(path.join(MODELS, 'stories260K/tok512.bin')), ids);
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
    const text = decodeForTests(readLlama2cVocabForTests(path.join(MODELS, 'stories260K/tok512.bin')), ids);
    expect(text.startsWith(GOLDEN)).toBe(true);
    model.dispose();
  });
});
