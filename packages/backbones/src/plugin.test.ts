import * as tf from '@tensorflow/tfjs-core';
import { describe, it, expect } from 'vitest';
import { container } from 'tsyringe';
import { RecError, Tokens } from '@ed2/core';
import { manifestContract } from '@ed2/core/testing';
import manifest from './plugin';
import type { LlamaBackbone } from './llama/llama-backbone';

manifestContract(manifest);

describe('backbones:llama plugin', () => {
  const size = { dim: 16, nLayers: 1, nHeads: 2, nKvHeads: 1, hiddenDim: 8, vocabSize: 10, maxSeqLen: 8 };

  it('creates a LoRA backbone with a word vocabulary learnt from the run texts, and rejects unknown keys', async () => {
    const f = manifest.backbones!.llama;
    const cfg = f.config.parse({ model: size, finetune: 'lora', lora: { rank: 2, targets: ['q', 'v'] }, seed: 3 });
    const scope = container.createChildContainer();
    scope.register(Tokens.BackboneTexts, { useValue: () => ['red ball', 'blue ball.'] });
    const before = tf.memory().numTensors;
    const bb = (await f.create(scope, cfg)) as LlamaBackbone;
    // 4 specials + {., ball, blue, red}: the model's vocabulary follows the tokenizer
    expect(bb.baseVocabSize).toBe(8);
    expect(bb.tokenize('Red ball .')).toEqual([7, 5, 4]);
    expect(Object.keys(bb.trainableVariables()).length).toBe(4);
    bb.dispose();
    expect(tf.memory().numTensors).toBe(before); // dispose() frees every tensor it created
    expect(() => f.config.parse({ lora: { rank: 2, bogus: 1 } })).toThrow();
  });

  it('trains every weight of a random init by default (full fine-tuning)', async () => {
    const f = manifest.backbones!.llama;
    const scope = container.createChildContainer();
    scope.register(Tokens.BackboneTexts, { useValue: () => ['a b c'] });
    const bb = (await f.create(scope, f.config.parse({ model: size, seed: 1 }))) as LlamaBackbone;
    const p = bb.parameterCount();
    expect(p.trainable).toBe(p.total);
    bb.dispose();
  });

  it('names a missing weights file before loading anything', async () => {
    const f = manifest.backbones!.llama;
    await expect(f.create(container.createChildContainer(), f.config.parse({ weights: '/nope/model.gguf' }))).rejects.toSatisfy((e: unknown) => RecError.is(e, 'E_DATA_MISSING') && String((e as Error).message).includes('/nope/model.gguf'));
  });
});
