import * as path from 'node:path';
import * as os from 'node:os';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '@ed2/core';
import { LlamaConfig } from '../llama/llama-config';
import { LlamaModel } from '../llama/llama-model';
import { applyLora } from '../lora/lora';
import { loadLlama2c } from './llama2c-loader';
import { loadHfSafetensors } from './hf-safetensors-loader';
import { saveLlamaSafetensors } from './save-llama-safetensors';
import { loadLlamaWeights } from './load-llama-weights';

const MODELS = path.resolve(__dirname, '../../../../../shared/models');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ed2-st-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function logits(model: LlamaModel, seq: number[]): Float32Array {
  return tf.tidy(() => model.forward(tf.tensor2d([seq], undefined, 'int32')).dataSync() as Float32Array);
}
function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('Hugging Face safetensors', () => {
  it('round trip of stories260K (interleaved → half RoPE) gives identical logits', async () => {
    const w = await loadLlama2c(path.join(MODELS, 'stories260K/stories260K.bin'));
    const a = new LlamaModel(w.config, w);
    const dir = path.join(tmp, 'stories');
    await saveLlamaSafetensors(a, dir);
    const cfg = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'));
    expect(cfg).toMatchObject({ model_type: 'llama', hidden_size: 64, num_key_value_heads: 4, tie_word_embeddings: true, vocab_size: 512 });
    const back = await loadLlamaWeights(dir);
    expect(back.config.ropeStyle).toBe('half');
    const b = new LlamaModel(back.config, back);
    const seq = [1, 403, 407, 261, 378, 11, 300];
    expect(maxDiff(logits(a, seq), logits(b, seq))).toBeLessThan(1e-5);
    a.dispose();
    b.dispose();
  });

  it('sharded round trip with LoRA updates and added tokens folded in', async () => {
    const small = LlamaConfig.parse({ dim: 16, nLayers: 2, nHeads: 4, nKvHeads: 2, hiddenDim: 24, vocabSize: 20, maxSeqLen: 32, tiedEmbeddings: true });
    const a = new LlamaModel(small, undefined, new Rng(5));
    applyLora(a, { rank: 2, targets: ['q', 'v', 'down'] }, new Rng(6));
    const r = new Rng(7);
    for (const blk of a.blocks) {
      const ad = blk.q.adapter()!;
      const bVals = tf.tensor2d(Array.from({ length: ad.b.size }, () => r.uniform(-0.5, 0.5)), ad.b.shape);
      const aVals = tf.clone(ad.a); // setAdapter disposes the old adapter before copying
      blk.q.setAdapter(aVals, bVals, 2, 'q');
      tf.dispose([aVals, bVals]);
    }
    const [newId] = a.extendVocab(3, new Rng(8));
    const dir = path.join(tmp, 'sharded');
    await saveLlamaSafetensors(a, dir, { maxShardBytes: 4000 });
    const shards = readdirSync(dir).filter((f) => f.endsWith('.safetensors'));
    expect(shards.length).toBeGreaterThan(2);
    expect(existsSync(path.join(dir, 'model.safetensors.index.json'))).toBe(true);
    const back = await loadHfSafetensors(path.join(dir, 'model.safetensors.index.json'));
    expect(back.config.vocabSize).toBe(23);
    expect(back.config.tiedEmbeddings).toBe(false);
    const b = new LlamaModel(back.config, back);
    const seq = [1, 5, newId, 7, newId + 2, 3];
    expect(maxDiff(logits(a, seq), logits(b, seq))).toBeLessThan(1e-5);
    a.dispose();
    b.dispose();
  });

  it('mismatched shape, missing shard tensor and corrupt file give clear errors', async () => {
    const small = LlamaConfig.parse({ dim: 8, nLayers: 1, nHeads: 2, nKvHeads: 2, hiddenDim: 12, vocabSize: 10, maxSeqLen: 8 });
    const m = new LlamaModel(small, undefined, new Rng(1));
    const dir = path.join(tmp, 'bad');
    await saveLlamaSafetensors(m, dir);
    m.dispose();
    const cfgFile = path.join(dir, 'config.json');
    const cfg = JSON.parse(readFileSync(cfgFile, 'utf8'));
    writeFileSync(cfgFile, JSON.stringify({ ...cfg, intermediate_size: 16 }));
    const err = await loadHfSafetensors(dir).catch((e) => e);
    expect(err).toMatchObject({ code: 'E_SHAPE' });
    expect(err.message).toMatch(/mlp\.(gate|up|down)_proj\.weight' expected \[\d+, \d+\], found \[\d+, \d+\]/);
    writeFileSync(cfgFile, JSON.stringify(cfg));
    writeFileSync(path.join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { 'model.embed_tokens.weight': 'model.safetensors', 'model.layers.0.mlp.extra.weight': 'model.safetensors' } }));
    await expect(loadHfSafetensors(dir)).rejects.toThrow(/model\.layers\.0\.mlp\.extra\.weight' expected no such tensor, found nothing/);
    rmSync(path.join(dir, 'model.safetensors.index.json'));
    const st = path.join(dir, 'model.safetensors');
    const bytes = readFileSync(st);
    writeFileSync(st, bytes.subarray(0, bytes.length - 100));
    await expect(loadHfSafetensors(dir)).rejects.toMatchObject({ code: 'E_CHECKPOINT' });
    writeFileSync(cfgFile, JSON.stringify({ ...cfg, model_type: 'mistral', architectures: ['MistralForCausalLM'] }));
    await expect(loadHfSafetensors(dir)).rejects.toThrow(/only LLaMA/);
  });
});
