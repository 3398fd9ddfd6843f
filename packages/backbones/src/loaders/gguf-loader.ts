import { gguf, type GGUFParseOutput } from '@huggingface/gguf';
import { RecError } from '@ed2/core';
import { LlamaConfig, type LlamaTensor, type LlamaWeights } from '../llama/llama-config';
import { checkLlamaWeights } from './check-llama-weights';
import { dequantizeGgml, ggmlByteSize } from './dequantize-ggml';
import { openCheckpoint, readTensorBytes } from './read-tensor-bytes';

/** Metadata value types as @huggingface/gguf returns them (numbers, strings, bigints, arrays). */
export type GgufMetadata = Record<string, unknown>;

/** A GGUF tensor's canonical name, row-major shape, GGML type and absolute byte offset. */
export interface GgufTensorInfo {
  ggufName: string;
  name: string;
  shape: number[];
  type: number;
  offset: number;
}

export interface GgufInfo {
  metadata: GgufMetadata;
  config: LlamaConfig;
  tensors: GgufTensorInfo[];
}

const LAYER_MAP: Record<string, string> = {
  attn_norm: 'input_layernorm', attn_q: 'self_attn.q_proj', attn_k: 'self_attn.k_proj', attn_v: 'self_attn.v_proj',
  attn_output: 'self_attn.o_proj', ffn_norm: 'post_attention_layernorm', ffn_gate: 'mlp.gate_proj', ffn_up: 'mlp.up_proj',
  ffn_down: 'mlp.down_proj',
};
const IGNORED = new Set(['rope_freqs.weight']);

/** GGUF (llama.cpp) tensor name → canonical Hugging Face name; undefined for names that are not LLaMA weights. */
export function ggufToHfName(name: string): string | undefined {
  if (name === 'token_embd.weight') return 'model.embed_tokens.weight';
  if (name === 'output_norm.weight') return 'model.norm.weight';
  if (name === 'output.weight') return 'lm_head.weight';
  const m = /^blk\.(\d+)\.([a-z_]+)\.weight$/.exec(name);
  const mapped = m ? LAYER_MAP[m[2]] : undefined;
  return m && mapped ? `model.layers.${m[1]}.${mapped}.weight` : undefined;
}

/** Parses only the header (metadata + tensor table) of a local GGUF file with @huggingface/gguf. */
export async function readGgufHeader(file: string): Promise<GGUFParseOutput> {
  (await openCheckpoint(file)).close(); // clear error for a missing file
  try {
    return await gguf(file, { allowLocalFile: true });
  } catch (e) {
    throw new RecError('E_CHECKPOINT', `'${file}' is not a readable GGUF file: ${(e as Error).message}`, {
      cause: e, hint: 'expected a GGUF v2/v3 file written by llama.cpp (magic "GGUF")',
    });
  }
}

function num(md: GgufMetadata, key: string, fallback?: number): number {
  const v = md[key];
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (fallback !== undefined) return fallback;
  throw new RecError('E_CHECKPOINT', `GGUF metadata lacks '${key}'`, { hint: 'is this a llama.cpp LLaMA GGUF?' });
}

/**
 * Header and tensor table of a LLaMA GGUF (config from `llama.*` metadata), without reading tensor data —
 * a 7B file costs a few MB of reads. GGUF shapes are innermost-first (ne0 = input width); they are reversed to
 * row-major [out, in]. llama.cpp's converter stores q/k in Meta's interleaved-pair order (it permutes Hugging
 * Face checkpoints), so the weights are kept as stored and the config says `ropeStyle: 'interleaved'`.
 */
export async function inspectGguf(file: string): Promise<GgufInfo> {
  const h = await readGgufHeader(file);
  const md = h.metadata as unknown as GgufMetadata;
  const arch = md['general.architecture'];
  if (arch !== 'llama') {
    throw new RecError('E_UNSUPPORTED', `'${file}' holds a '${String(arch)}' model; only the 'llama' architecture is supported`, {
      hint: 'LLaMA-2, TinyLlama and llama2.c models convert to the llama architecture',
    });
  }
  const base = Number(h.tensorDataOffset);
  const tensors: GgufTensorInfo[] = [];
  for (const t of h.tensorInfos) {
    if (IGNORED.has(t.name)) continue;
    const name = ggufToHfName(t.name);
    if (!name) {
      throw new RecError('E_SHAPE', `'${file}': GGUF tensor '${t.name}' [${t.shape.map(Number).join(', ')}] is not a LLaMA weight`, {
        hint: 'expected token_embd, blk.N.{attn_norm,attn_q,attn_k,attn_v,attn_output,ffn_norm,ffn_gate,ffn_up,ffn_down}, output_norm, output',
      });
    }
    tensors.push({ ggufName: t.name, name, shape: t.shape.map(Number).reverse(), type: t.dtype as number, offset: base + Number(t.offset) });
  }
  const embd = tensors.find((t) => t.name === 'model.embed_tokens.weight');
  const dim = num(md, 'llama.embedding_length');
  const nHeads = num(md, 'llama.attention.head_count');
  const ropeDims = num(md, 'llama.rope.dimension_count', dim / nHeads);
  if (ropeDims !== dim / nHeads) {
    throw new RecError('E_UNSUPPORTED', `'${file}': partial rotary embedding (${ropeDims} of ${dim / nHeads} head dims) is not supported`, { hint: 'LLaMA-2 rotates the full head' });
  }
  const tokens = md['tokenizer.ggml.tokens'];
  const config = LlamaConfig.parse({
    dim,
    nLayers: num(md, 'llama.block_count'),
    nHeads,
    nKvHeads: num(md, 'llama.attention.head_count_kv', nHeads),
    hiddenDim: num(md, 'llama.feed_forward_length'),
    vocabSize: embd?.shape[0] ?? num(md, 'llama.vocab_size', Array.isArray(tokens) ? tokens.length : undefined),
    maxSeqLen: num(md, 'llama.context_length', 2048),
    normEps: Number(num(md, 'llama.attention.layer_norm_rms_epsilon', 1e-5).toPrecision(7)), // stored as f32
    ropeTheta: num(md, 'llama.rope.freq_base', 10000),
    ropeStyle: 'interleaved',
    tiedEmbeddings: !tensors.some((t) => t.name === 'lm_head.weight'),
    bosId: num(md, 'tokenizer.ggml.bos_token_id', 1),
    eosId: num(md, 'tokenizer.ggml.eos_token_id', 2),
  });
  return { metadata: md, config, tensors };
}

/** Loads a LLaMA GGUF (f32, f16, bf16, q8_0, q4_0, q4_1 dequantised to float32), one positional read per tensor. */
export async function loadGguf(file: string): Promise<LlamaWeights & { metadata: GgufMetadata }> {
  const info = await inspectGguf(file);
  const fh = await openCheckpoint(file);
  const tensors = new Map<string, LlamaTensor>();
  try {
    for (const t of info.tensors) {
      const n = t.shape.reduce((a, b) => a * b, 1);
      const bytes = await readTensorBytes(fh, file, t.ggufName, t.offset, ggmlByteSize(t.type, n, t.ggufName));
      tensors.set(t.name, { shape: t.shape, data: dequantizeGgml(t.type, bytes, n, t.ggufName) });
    }
  } finally {
    await fh.close();
  }
  checkLlamaWeights({ config: info.config, tensors }, file);
  return { config: info.config, tensors, metadata: info.metadata };
}
