import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { container } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import manifest from '../plugin';
import type { LlamaModel } from '../llama/llama-model';

const MODELS = path.resolve(__dirname, '../../../../../shared/models');

describe('backbones:llama plugin with { weights }', () => {
  it('picks the loader by file type (.bin, .gguf) and rejects unknown files clearly', async () => {
    const f = manifest.backbones!.llama;
    const logits: Float32Array[] = [];
    for (const file of ['stories260K/stories260K.bin', 'stories260K/stories260K.f32.gguf']) {
      const cfg = f.config.parse({ weights: path.join(MODELS, file), lora: { rank: 2, targets: ['q'] } });
      const model = (await f.create(container.createChildContainer(), cfg)) as LlamaModel;
      expect(model.config).toMatchObject({ dim: 64, nLayers: 5, vocabSize: 512, ropeStyle: 'interleaved' });
      logits.push(tf.tidy(() => model.forward(tf.tensor2d([[1, 403, 407]], undefined, 'int32')).dataSync() as Float32Array));
      model.dispose();
    }
    expect(Math.max(...logits[0].map((x, i) => Math.abs(x - logits[1][i])))).toBeLessThan(1e-4);
    const bad = f.config.parse({ weights: path.join(MODELS, 'README.md'), format: 'gguf' });
    await expect(f.create(container.createChildContainer(), bad)).rejects.toMatchObject({ code: 'E_CHECKPOINT' });
  });
});
