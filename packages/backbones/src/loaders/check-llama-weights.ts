import { RecError } from '@ed2/core';
import type { LlamaConfig, LlamaWeights } from '../llama/llama-config';

/** Canonical tensor names and [out, in] shapes for a config (Hugging Face names; `lm_head` only when untied). */
export function expectedLlamaShapes(c: LlamaConfig): Map<string, number[]> {
  const kv = c.nKvHeads * (c.dim / c.nHeads);
  const m = new Map<string, number[]>();
  m.set('model.embed_tokens.weight', [c.vocabSize, c.dim]);
  for (let i = 0; i < c.nLayers; i++) {
    const p = `model.layers.${i}.`;
    m.set(`${p}input_layernorm.weight`, [c.dim]);
    m.set(`${p}self_attn.q_proj.weight`, [c.dim, c.dim]);
    m.set(`${p}self_attn.k_proj.weight`, [kv, c.dim]);
    m.set(`${p}self_attn.v_proj.weight`, [kv, c.dim]);
    m.set(`${p}self_attn.o_proj.weight`, [c.dim, c.dim]);
    m.set(`${p}post_attention_layernorm.weight`, [c.dim]);
    m.set(`${p}mlp.gate_proj.weight`, [c.hiddenDim, c.dim]);
    m.set(`${p}mlp.up_proj.weight`, [c.hiddenDim, c.dim]);
    m.set(`${p}mlp.down_proj.weight`, [c.dim, c.hiddenDim]);
  }
  m.set('model.norm.weight', [c.dim]);
  if (!c.tiedEmbeddings) m.set('lm_head.weight', [c.vocabSize, c.dim]);
  return m;
}

/** Throws RecError('E_SHAPE') naming the tensor, the expected and the found shape (or that it is missing). */
export function checkTensorShape(source: string, name: string, expected: readonly number[] | undefined, found: readonly number[] | undefined): void {
  const same = expected && found && expected.length === found.length && expected.every((d, i) => d === found[i]);
  if (same) return;
  const exp = expected ? `[${expected.join(', ')}]` : 'no such tensor';
  const got = found ? `[${found.join(', ')}]` : 'nothing (missing)';
  throw new RecError('E_SHAPE', `${source}: tensor '${name}' expected ${exp}, found ${got}`, {
    hint: 'the checkpoint does not match its config (dim, heads, kv heads, hidden, vocab, layers, tied head) or is not a LLaMA model',
  });
}

/** Validates every expected tensor of `w` (name, shape and element count); extra tensors are an error too. */
export function checkLlamaWeights(w: LlamaWeights, source: string): LlamaWeights {
  const want = expectedLlamaShapes(w.config);
  for (const [name, shape] of want) {
    const t = w.tensors.get(name);
    checkTensorShape(source, name, shape, t?.shape);
    const n = shape.reduce((a, b) => a * b, 1);
    if (t!.data.length !== n) checkTensorShape(source, name, shape, [t!.data.length]);
  }
  for (const [name, t] of w.tensors) if (!want.has(name)) checkTensorShape(source, name, undefined, t.shape);
  return w;
}
