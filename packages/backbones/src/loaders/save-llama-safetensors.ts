import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { writeSafetensors } from '@ed2/core';
import type { LlamaModel } from '../llama/llama-model';
import type { LoraLinear } from '../lora/lora-linear';
import { llamaConfigToHf } from './hf-config';

/** The model's frozen tensors that are private in LlamaModel (read-only access for export). */
interface LlamaInternals {
  embed: tf.Tensor2D;
  headW: tf.Tensor2D;
  finalNorm: tf.Tensor1D;
}

export interface SaveLlamaOptions {
  /** Split into shards of at most this many bytes (plus model.safetensors.index.json); default: one file. */
  maxShardBytes?: number;
}

/** Effective [out, in] weight of a linear: base plus the LoRA update (as inference computes it). */
function effective(l: LoraLinear): tf.Tensor2D {
  return tf.tidy(() => {
    const ad = l.adapter();
    const w = ad ? tf.add(l.weight, tf.mul(tf.matMul(ad.a, ad.b), ad.scale)) : l.weight;
    return tf.transpose(w) as tf.Tensor2D;
  });
}

/**
 * Writes `model` as a Hugging Face LLaMA checkpoint in `dir`: config.json (half-split RoPE — the model keeps q/k in
 * that pairing, so llama2.c/GGUF models are converted on the way) and model.safetensors (float32), or shards with
 * model.safetensors.index.json. LoRA updates are folded into the saved weights and added-token rows appended to
 * the vocabulary, so the saved checkpoint computes the same logits as the model.
 */
export async function saveLlamaSafetensors(model: LlamaModel, dir: string, opts: SaveLlamaOptions = {}): Promise<void> {
  const c = model.config;
  const own = model as unknown as LlamaInternals;
  const extra = model.newEmbed && model.newHead && !model.embeddingProvider;
  const tied = c.tiedEmbeddings && !extra;
  const tensors: Record<string, tf.Tensor> = {};
  const created: tf.Tensor[] = [];
  const add = (name: string, t: tf.Tensor, fresh: boolean) => {
    tensors[name] = t;
    if (fresh) created.push(t);
  };
  try {
    add('model.embed_tokens.weight', extra ? tf.concat([own.embed, model.newEmbed!]) : own.embed, !!extra);
    model.blocks.forEach((b, i) => {
      const p = `model.layers.${i}.`;
      add(`${p}input_layernorm.weight`, b.attnNorm, false);
      add(`${p}post_attention_layernorm.weight`, b.ffnNorm, false);
      add(`${p}self_attn.q_proj.weight`, effective(b.q), true);
      add(`${p}self_attn.k_proj.weight`, effective(b.k), true);
      add(`${p}self_attn.v_proj.weight`, effective(b.v), true);
      add(`${p}self_attn.o_proj.weight`, effective(b.o), true);
      add(`${p}mlp.gate_proj.weight`, effective(b.gate), true);
      add(`${p}mlp.up_proj.weight`, effective(b.up), true);
      add(`${p}mlp.down_proj.weight`, effective(b.down), true);
    });
    add('model.norm.weight', own.finalNorm, false);
    if (!tied) add('lm_head.weight', extra ? tf.concat([own.headW, model.newHead!]) : own.headW, !!extra);
    await mkdir(dir, { recursive: true });
    const hf = llamaConfigToHf({ ...c, ropeStyle: 'half' }, model.totalVocab, tied);
    await writeFile(path.join(dir, 'config.json'), JSON.stringify(hf, null, 2) + '\n');
    const names = Object.keys(tensors).sort();
    const groups: string[][] = [[]];
    let bytes = 0;
    for (const n of names) {
      const size = tensors[n].size * 4;
      if (opts.maxShardBytes && bytes > 0 && bytes + size > opts.maxShardBytes) {
        groups.push([]);
        bytes = 0;
      }
      groups[groups.length - 1].push(n);
      bytes += size;
    }
    if (groups.length === 1) {
      await writeSafetensors(path.join(dir, 'model.safetensors'), tensors, { format: 'pt' });
      return;
    }
    const weightMap: Record<string, string> = {};
    const pad = (k: number) => String(k).padStart(5, '0');
    for (const [k, g] of groups.entries()) {
      const file = `model-${pad(k + 1)}-of-${pad(groups.length)}.safetensors`;
      await writeSafetensors(path.join(dir, file), Object.fromEntries(g.map((n) => [n, tensors[n]])), { format: 'pt' });
      for (const n of g) weightMap[n] = file;
    }
    const total = names.reduce((s, n) => s + tensors[n].size * 4, 0);
    await writeFile(path.join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }, null, 2) + '\n');
  } finally {
    tf.dispose(created);
  }
}
