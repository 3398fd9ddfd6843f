import { RecError } from '@ed2/core';
import { LlamaConfig } from '../llama/llama-config';

/** The fields of a Hugging Face LLaMA `config.json` this project reads and writes. */
export interface HfLlamaConfigJson {
  architectures?: string[];
  model_type?: string;
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads?: number;
  vocab_size: number;
  max_position_embeddings?: number;
  rms_norm_eps?: number;
  rope_theta?: number;
  rope_scaling?: unknown;
  tie_word_embeddings?: boolean;
  bos_token_id?: number;
  eos_token_id?: number | number[];
  hidden_act?: string;
  head_dim?: number;
  torch_dtype?: string;
}

const COUNTS = ['hidden_size', 'intermediate_size', 'num_hidden_layers', 'num_attention_heads', 'num_key_value_heads', 'vocab_size', 'max_position_embeddings', 'head_dim'];
const POSITIVE = ['rms_norm_eps', 'rope_theta'];
const IDS = ['bos_token_id', 'eos_token_id'];

/** Wrong JSON types in config.json (a quoted number, a float layer count) are E_DATA_FORMAT naming the key. */
function checkFieldTypes(j: Record<string, unknown>, what: string): void {
  const bad = (key: string, expected: string): RecError =>
    new RecError('E_DATA_FORMAT', `${what} (key "${key}"): ${JSON.stringify(j[key])} is not ${expected}`, {
      hint: `config.json holds plain JSON numbers, e.g. "${key}": ${key === 'rms_norm_eps' ? '1e-05' : key === 'rope_theta' ? '10000.0' : '2048'}; re-save it with transformers (config.save_pretrained).`,
    });
  const present = (k: string) => j[k] !== undefined && j[k] !== null;
  for (const k of COUNTS) if (present(k) && !(typeof j[k] === 'number' && Number.isSafeInteger(j[k]) && (j[k] as number) > 0)) throw bad(k, 'a positive integer');
  for (const k of POSITIVE) if (present(k) && !(typeof j[k] === 'number' && Number.isFinite(j[k]) && (j[k] as number) > 0)) throw bad(k, 'a positive number');
  for (const k of IDS) {
    const ids = Array.isArray(j[k]) ? (j[k] as unknown[]) : [j[k]];
    if (present(k) && !ids.every((v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)) throw bad(k, 'a non-negative integer token id (or a list of them)');
  }
  for (const k of ['hidden_size', 'intermediate_size', 'num_hidden_layers', 'num_attention_heads', 'vocab_size']) {
    if (!present(k)) throw new RecError('E_DATA_FORMAT', `${what}: key "${k}" is missing`, { hint: 'A LLaMA config.json names hidden_size, intermediate_size, num_hidden_layers, num_attention_heads and vocab_size.' });
  }
}

/** Hugging Face config.json → LlamaConfig (half-split RoPE). Non-LLaMA models and RoPE scaling are rejected clearly. */
export function llamaConfigFromHf(json: unknown, what: string): LlamaConfig {
  const j = json as Partial<HfLlamaConfigJson>;
  const arch = j?.model_type ?? j?.architectures?.[0];
  if (j?.model_type !== 'llama' && !j?.architectures?.includes('LlamaForCausalLM')) {
    throw new RecError('E_UNSUPPORTED', `${what} describes a '${String(arch)}' model; only LLaMA (model_type "llama") is supported`, {
      hint: 'LLaMA-2 and TinyLlama checkpoints have model_type "llama"',
    });
  }
  if (j.rope_scaling !== undefined && j.rope_scaling !== null) {
    throw new RecError('E_UNSUPPORTED', `${what} uses rope_scaling ${JSON.stringify(j.rope_scaling)}, which this backbone does not implement`, {
      hint: 'LLaMA-2 / TinyLlama use plain RoPE (rope_scaling null)',
    });
  }
  if (j.hidden_act !== undefined && j.hidden_act !== 'silu') {
    throw new RecError('E_UNSUPPORTED', `${what} uses hidden_act '${j.hidden_act}'; LLaMA's SwiGLU needs 'silu'`, { hint: 'not a LLaMA-2 checkpoint' });
  }
  checkFieldTypes(j as Record<string, unknown>, what);
  const eos = Array.isArray(j.eos_token_id) ? j.eos_token_id[0] : j.eos_token_id;
  try {
    const c = LlamaConfig.parse({
      dim: j.hidden_size,
      nLayers: j.num_hidden_layers,
      nHeads: j.num_attention_heads,
      nKvHeads: j.num_key_value_heads ?? j.num_attention_heads,
      hiddenDim: j.intermediate_size,
      vocabSize: j.vocab_size,
      maxSeqLen: j.max_position_embeddings ?? 2048,
      normEps: j.rms_norm_eps ?? 1e-6,
      ropeTheta: j.rope_theta ?? 10000,
      ropeStyle: 'half',
      tiedEmbeddings: j.tie_word_embeddings ?? false,
      bosId: j.bos_token_id ?? 1,
      eosId: eos ?? 2,
    });
    if (j.head_dim !== undefined && j.head_dim !== c.dim / c.nHeads) {
      throw new RecError('E_UNSUPPORTED', `${what}: head_dim ${j.head_dim} differs from hidden_size / num_attention_heads = ${c.dim / c.nHeads}`, { hint: 'not supported' });
    }
    return c;
  } catch (e) {
    if (e instanceof RecError) throw e;
    throw new RecError('E_CONFIG', `${what} is not a valid LLaMA config: ${(e as Error).message}`, { cause: e, hint: 'check hidden_size, num_*, vocab_size' });
  }
}

/** LlamaConfig → Hugging Face config.json (the model stores q/k in the half-split pairing, as Hugging Face does). */
export function llamaConfigToHf(c: LlamaConfig, vocabSize = c.vocabSize, tied = c.tiedEmbeddings): HfLlamaConfigJson {
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    hidden_size: c.dim,
    intermediate_size: c.hiddenDim,
    num_hidden_layers: c.nLayers,
    num_attention_heads: c.nHeads,
    num_key_value_heads: c.nKvHeads,
    vocab_size: vocabSize,
    max_position_embeddings: c.maxSeqLen,
    rms_norm_eps: c.normEps,
    rope_theta: c.ropeTheta,
    rope_scaling: null,
    tie_word_embeddings: tied,
    bos_token_id: c.bosId,
    eos_token_id: c.eosId,
    hidden_act: 'silu',
    torch_dtype: 'float32',
  };
}
