import * as tf from '@tensorflow/tfjs-core';
import { describe, it, expect } from 'vitest';
import { container } from 'tsyringe';
import { manifestContract } from '@ed2/core/testing';
import manifest from './plugin';
import { LlamaModel } from './llama/llama-model';

manifestContract(manifest);

describe('backbones:llama plugin', () => {
  it('creates a LoRA-wrapped model from a size object and rejects unknown keys', async () => {
    const f = manifest.backbones!.llama;
    const cfg = f.config.parse({
      model: { dim: 16, nLayers: 1, nHeads: 2, nKvHeads: 1, hiddenDim: 8, vocabSize: 10, maxSeqLen: 8 },
      lora: { rank: 2, targets: ['q', 'v'] },
    });
    const before = tf.memory().numTensors;
    const model = (await f.create(container.createChildContainer(), cfg)) as LlamaModel;
    expect(model.config.nKvHeads).toBe(1);
    expect(model.trainableVariables().length).toBe(4);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before); // dispose() frees every tensor it created
    expect(() => f.config.parse({ lora: { rank: 2, bogus: 1 } })).toThrow();
  });
});
