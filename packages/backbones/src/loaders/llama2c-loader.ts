import { RecError } from '@ed2/core';
import { LlamaConfig, type LlamaTensor, type LlamaWeights } from '../llama/llama-config';
import { checkLlamaWeights } from './check-llama-weights';
import { asFloat32, openCheckpoint, readTensorBytes } from './read-tensor-bytes';

const MAGIC = 0x616b3432; // "ak42"

/** One tensor's place in a llama2.c checkpoint: fp32, or int8 with one fp32 scale per group (version 2). */
export interface Llama2cTensorInfo {
  name: string;
  shape: number[];
  offset: number;
  quantized: boolean;
}

/** Header of a llama2.c checkpoint and where every tensor lies (no tensor data read). */
export interface Llama2cInfo {
  version: 0 | 1 | 2;
  config: LlamaConfig;
  groupSize: number;
  tensors: Llama2cTensorInfo[];
  fileSize: number;
}

const LAYER_NAMES = {
  attnNorm: 'input_layernorm.weight', ffnNorm: 'post_attention_layernorm.weight',
  wq: 'self_attn.q_proj.weight', wk: 'self_attn.k_proj.weight', wv: 'self_attn.v_proj.weight', wo: 'self_attn.o_proj.weight',
  w1: 'mlp.gate_proj.weight', w2: 'mlp.down_proj.weight', w3: 'mlp.up_proj.weight',
} as const;
type LayerKey = keyof typeof LAYER_NAMES;

/**
 * Reads the header of a llama2.c checkpoint: the legacy format (7 int32, negative vocab = separate classifier,
 * RoPE tables after the final norm) or the `ak42` v1 (fp32) / v2 (Q8_0 int8 groups) export formats
 * (256-byte header with a shared-classifier flag). Weights are in Meta layout → interleaved RoPE.
 */
export async function inspectLlama2c(file: string): Promise<Llama2cInfo> {
  const fh = await openCheckpoint(file);
  try {
    const { size } = await fh.stat();
    return parseLlama2cHeader(Buffer.from(await readTensorBytes(fh, file, 'header', 0, Math.min(256, size))), size, file);
  } finally {
    await fh.close();
  }
}

/** Header parse on the first (up to) 256 bytes of a file of `size` bytes. */
export function parseLlama2cHeader(head: Buffer, size: number, file: string): Llama2cInfo {
  if (head.length < 28) throw bad(file, `only ${size} bytes, shorter than the 28-byte header`);
  let version: 0 | 1 | 2 = 0;
  let p = 0;
  if (head.readUInt32LE(0) === MAGIC) {
    const v = head.readInt32LE(4);
    if (v !== 1 && v !== 2) throw bad(file, `unsupported llama2.c export version ${v} (1 = fp32 and 2 = int8 are supported)`);
    if (head.length < 256) throw bad(file, `only ${size} bytes, shorter than the 256-byte v${v} header`);
    version = v;
    p = 8;
  }
  const [dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabRaw, maxSeqLen] = Array.from({ length: 7 }, (_, i) => head.readInt32LE(p + 4 * i));
  if ([dim, hiddenDim, nLayers, nHeads, nKvHeads, maxSeqLen].some((x) => x <= 0 || x > 1 << 20) || vocabRaw === 0) {
    throw bad(file, `implausible header dim=${dim} hidden=${hiddenDim} layers=${nLayers} heads=${nHeads} kvHeads=${nKvHeads} vocab=${vocabRaw} seq=${maxSeqLen}`);
  }
  const shared = version === 0 ? vocabRaw > 0 : head.readUInt8(36) === 1;
  const groupSize = version === 2 ? head.readInt32LE(37) : 0;
  let config: LlamaConfig;
  try {
    config = LlamaConfig.parse({
      dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize: Math.abs(vocabRaw), maxSeqLen, ropeStyle: 'interleaved', tiedEmbeddings: shared,
    });
  } catch (e) {
    throw bad(file, `header does not describe a valid LLaMA (${(e as Error).message})`, e);
  }
  const tensors = layout(config, version, groupSize);
  const end = tensors.length ? tensorEnd(tensors[tensors.length - 1], groupSize) : 0;
  if (end > size) throw bad(file, `the header needs ${end} bytes of weights but the file has ${size} (truncated or not a llama2.c checkpoint)`);
  return { version, config, groupSize, tensors, fileSize: size };
}

function bad(file: string, problem: string, cause?: unknown): RecError {
  return new RecError('E_CHECKPOINT', `'${file}' is not a readable llama2.c checkpoint: ${problem}`, {
    hint: 'expected a llama2.c export (legacy, or version 1/2 with the ak42 magic)',
    ...(cause === undefined ? {} : { cause }),
  });
}

function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function tensorEnd(t: Llama2cTensorInfo, groupSize: number): number {
  const n = numel(t.shape);
  return t.offset + (t.quantized ? n + (n / groupSize) * 4 : n * 4);
}

function layout(c: LlamaConfig, version: 0 | 1 | 2, groupSize: number): Llama2cTensorInfo[] {
  const hd = c.dim / c.nHeads;
  const kv = c.nKvHeads * hd;
  const shapes: Record<LayerKey, number[]> = {
    attnNorm: [c.dim], ffnNorm: [c.dim], wq: [c.dim, c.dim], wk: [kv, c.dim], wv: [kv, c.dim], wo: [c.dim, c.dim],
    w1: [c.hiddenDim, c.dim], w2: [c.dim, c.hiddenDim], w3: [c.hiddenDim, c.dim],
  };
  const out: Llama2cTensorInfo[] = [];
  let off = version === 0 ? 28 : 256;
  const push = (name: string, shape: number[], quantized = false) => {
    const t = { name, shape, offset: off, quantized };
    out.push(t);
    off = tensorEnd(t, groupSize);
  };
  const layers = (k: LayerKey, q = false) => {
    for (let i = 0; i < c.nLayers; i++) push(`model.layers.${i}.${LAYER_NAMES[k]}`, shapes[k], q);
  };
  const q = version === 2;
  if (version === 0) {
    push('model.embed_tokens.weight', [c.vocabSize, c.dim]);
    layers('attnNorm');
    (['wq', 'wk', 'wv', 'wo', 'ffnNorm', 'w1', 'w2', 'w3'] as const).forEach((k) => layers(k));
    push('model.norm.weight', [c.dim]);
    off += c.maxSeqLen * hd * 4; // freq_cis_real + freq_cis_imag, [maxSeq, hd/2] each
  } else {
    layers('attnNorm');
    layers('ffnNorm');
    push('model.norm.weight', [c.dim]);
    if (q && (groupSize <= 0 || c.dim % groupSize !== 0 || c.hiddenDim % groupSize !== 0)) {
      throw new RecError('E_CHECKPOINT', `llama2.c v2 group size ${groupSize} does not divide dim ${c.dim} and hidden ${c.hiddenDim}`, { hint: 'corrupt header' });
    }
    push('model.embed_tokens.weight', [c.vocabSize, c.dim], q);
    (['wq', 'wk', 'wv', 'wo', 'w1', 'w2', 'w3'] as const).forEach((k) => layers(k, q));
  }
  if (!c.tiedEmbeddings) push('lm_head.weight', [c.vocabSize, c.dim], q);
  return out;
}

function decodeTensor(t: Llama2cTensorInfo, raw: Uint8Array, groupSize: number): LlamaTensor {
  const n = numel(t.shape);
  if (!t.quantized) return { shape: t.shape, data: asFloat32(raw) };
  const qs = new Int8Array(raw.buffer, raw.byteOffset, n);
  const scales = new Float32Array(raw.buffer.slice(raw.byteOffset + n, raw.byteOffset + raw.byteLength));
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = qs[i] * scales[Math.floor(i / groupSize)];
  return { shape: t.shape, data };
}

/** Loads a llama2.c checkpoint (legacy / v1 / v2) into canonical weights with interleaved RoPE, one read per tensor. */
export async function loadLlama2c(file: string): Promise<LlamaWeights> {
  const info = await inspectLlama2c(file);
  const fh = await openCheckpoint(file);
  const tensors = new Map<string, LlamaTensor>();
  try {
    for (const t of info.tensors) {
      const raw = await readTensorBytes(fh, file, t.name, t.offset, tensorEnd(t, info.groupSize) - t.offset);
      tensors.set(t.name, decodeTensor(t, raw, info.groupSize));
    }
  } finally {
    await fh.close();
  }
  return checkLlamaWeights({ config: info.config, tensors }, file);
}

/** Synchronous variant on bytes already in memory (small models, tests). */
export function parseLlama2c(bytes: Uint8Array, file = 'llama2.c checkpoint'): LlamaWeights {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const info = parseLlama2cHeader(buf.subarray(0, 256), buf.length, file);
  const tensors = new Map<string, LlamaTensor>();
  for (const t of info.tensors) {
    // copy: fresh, 4-byte aligned memory per tensor
    tensors.set(t.name, decodeTensor(t, new Uint8Array(buf.subarray(t.offset, tensorEnd(t, info.groupSize))), info.groupSize));
  }
  return checkLlamaWeights({ config: info.config, tensors }, file);
}
