import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { RecError, Rng, saveCheckpoint, loadCheckpoint } from '@ed2/core';
import type { LlamaModel } from '../llama/llama-model';
import { uniqueVarName } from './lora-linear';

export const LORA_TARGETS = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const;
export type LoraTarget = (typeof LORA_TARGETS)[number];

export const LoraConfig = z
  .object({
    rank: z.number().int().positive().default(8).describe('Adapter rank r.'),
    alpha: z.number().positive().default(16).describe('Scale numerator: update scaled by alpha/rank.'),
    dropout: z.number().min(0).max(0.9).default(0.05).describe('Dropout on the adapter input path (training only).'),
    targets: z.array(z.enum(LORA_TARGETS)).default(['q', 'k', 'v', 'o']).describe('Linear layers that get adapters.'),
  })
  .strict()
  .describe('LoRA adapters');
export type LoraConfig = z.infer<typeof LoraConfig>;

/** Attach LoRA adapters to the targeted linears of every block (base weights stay frozen tensors). */
export function applyLora(model: LlamaModel, config: Partial<LoraConfig>, rng: Rng = new Rng('lora')): void {
  const c = LoraConfig.parse(config);
  model.blocks.forEach((blk, i) => {
    for (const t of c.targets) blk[t].attach({ ...c, name: `layers.${i}.${t}`, rng: rng.fork(`${i}.${t}`) });
  });
}

/** Fold all adapters into the base weights (inference). */
export function mergeLora(model: LlamaModel): void {
  for (const blk of model.blocks) for (const t of LORA_TARGETS) blk[t].merge();
}

/** Save only the adapters (+ added-token rows) as a core checkpoint directory. */
export async function saveAdapters(model: LlamaModel, dir: string): Promise<void> {
  const tensors: Record<string, tf.Tensor> = {};
  const scales: Record<string, number> = {};
  model.blocks.forEach((blk, i) => {
    for (const t of LORA_TARGETS) {
      const ad = blk[t].adapter();
      if (!ad) continue;
      tensors[`layers.${i}.${t}.lora_A`] = ad.a;
      tensors[`layers.${i}.${t}.lora_B`] = ad.b;
      scales[`layers.${i}.${t}`] = ad.scale;
    }
  });
  if (model.newEmbed) tensors['new_embed'] = model.newEmbed;
  if (model.newHead) tensors['new_head'] = model.newHead;
  await saveCheckpoint(dir, { tensors, meta: { kind: 'llama-lora', scales } });
}

/** Load adapters saved by `saveAdapters` into a model with the same base architecture. */
export async function loadAdapters(model: LlamaModel, dir: string): Promise<void> {
  const ck = await loadCheckpoint(dir);
  const state = ck.meta as { kind?: string; scales?: Record<string, number> };
  if (state?.kind !== 'llama-lora' || !state.scales) {
    throw new RecError('E_CHECKPOINT', `'${dir}' is not a LLaMA LoRA adapter checkpoint`, { hint: 'save it with saveAdapters' });
  }
  for (const [key, scale] of Object.entries(state.scales)) {
    const [, li, t] = key.split('.');
    const blk = model.blocks[Number(li)];
    const a = ck.tensors[`${key}.lora_A`] as tf.Tensor2D;
    const b = ck.tensors[`${key}.lora_B`] as tf.Tensor2D;
    if (!blk || !a || !b) throw new RecError('E_CHECKPOINT', `adapter '${key}' does not fit this model`, { hint: 'same base model?' });
    const lin = blk[t as LoraTarget];
    if (a.shape[0] !== lin.inDim || b.shape[1] !== lin.outDim) {
      throw new RecError('E_SHAPE', `adapter '${key}' is [${a.shape}]x[${b.shape}], layer is [${lin.inDim}, ${lin.outDim}]`, {
        hint: 'the adapter was trained on a different base model',
      });
    }
    lin.setAdapter(a, b, scale, key);
  }
  const ne = ck.tensors['new_embed'] as tf.Tensor2D | undefined;
  const nh = ck.tensors['new_head'] as tf.Tensor2D | undefined;
  if (ne && nh) {
    model.newEmbed?.dispose();
    model.newHead?.dispose();
    model.newEmbed = tf.tidy(() => tf.variable(tf.clone(ne), true, uniqueVarName('new_embed')));
    model.newHead = tf.tidy(() => tf.variable(tf.clone(nh), true, uniqueVarName('new_head')));
  }
  Object.values(ck.tensors).forEach((t) => t.dispose());
}
