import * as path from 'node:path';
import * as os from 'node:os';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { LlamaModel } from '../llama/llama-model';
import { readGgufTokenizer } from '../tokenizer/gguf-vocab-tokenizer';
import { loadGguf, inspectGguf } from './gguf-loader';
import { dequantizeGgml, GGML_TYPES } from './dequantize-ggml';
import { loadLlamaWeights } from './load-llama-weights';

const MODELS = path.resolve(__dirname, '../../../../../shared/models');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ed2-gguf-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const str = (s: string) => {
  const b = Buffer.from(s, 'utf8');
  const n = Buffer.alloc(8);
  n.writeBigUInt64LE(BigInt(b.length));
  return Buffer.concat([n, b]);
};
const u32 = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; };
const u64 = (v: number) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); return b; };
const f32b = (v: number) => { const b = Buffer.alloc(4); b.writeFloatLE(v); return b; };
function halfBits(x: number): Buffer {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer)[0];
  const sign = (u >>> 16) & 0x8000;
  const exp = ((u >>> 23) & 0xff) - 127 + 15;
  const mant = (u >>> 13) & 0x3ff;
  const h = exp <= 0 ? sign : exp >= 31 ? sign | 0x7c00 : sign | (exp << 10) | mant;
  const b = Buffer.alloc(2);
  b.writeUInt16LE(h);
  return b;
}

/** Minimal GGUF v3 writer (independent of the loader): u32/f32/string metadata and raw tensor bytes. */
function writeGguf(file: string, kv: [string, 'u32' | 'f32' | 'str', number | string][], tensors: { name: string; ne: number[]; type: number; bytes: Buffer }[]): void {
  const parts: Buffer[] = [Buffer.from('GGUF'), u32(3), u64(tensors.length), u64(kv.length)];
  for (const [k, t, v] of kv) parts.push(str(k), t === 'u32' ? Buffer.concat([u32(4), u32(v as number)]) : t === 'f32' ? Buffer.concat([u32(6), f32b(v as number)]) : Buffer.concat([u32(8), str(v as string)]));
  let off = 0;
  const data: Buffer[] = [];
  for (const t of tensors) {
    parts.push(str(t.name), u32(t.ne.length), ...t.ne.map(u64), u32(t.type), u64(off));
    const pad = (32 - (t.bytes.length % 32)) % 32;
    data.push(t.bytes, Buffer.alloc(pad));
    off += t.bytes.length + pad;
  }
  const head = Buffer.concat(parts);
  writeFileSync(file, Buffer.concat([head, Buffer.alloc((32 - (head.length % 32)) % 32), ...data]));
}

function q8(values: Float32Array): Buffer {
  const out: Buffer[] = [];
  for (let b = 0; b < values.length; b += 32) {
    const blk = values.subarray(b, b + 32);
    const d = Math.max(...Array.from(blk, Math.abs)) / 127;
    const dh = halfBits(d);
    const scale = dequantizeGgml(GGML_TYPES.F16, dh, 1, 'd')[0]; // the f16-rounded scale the reader will use
    const q = Buffer.alloc(32);
    for (let j = 0; j < 32; j++) q.writeInt8(Math.max(-127, Math.min(127, Math.round(blk[j] / (scale || 1)))), j);
    out.push(dh, q);
  }
  return Buffer.concat(out);
}

describe('GGUF loader', () => {
  it('llama-2-tiny-random.gguf (F16) loads with its 32,000-token vocabulary and a finite forward', async () => {
    const file = path.join(MODELS, 'tiny-random-llama2/llama-2-tiny-random.gguf');
    const w = await loadLlamaWeights(file);
    expect(w.config).toMatchObject({ vocabSize: 32000, dim: 8, nLayers: 1, nHeads: 2, tiedEmbeddings: false, ropeStyle: 'interleaved' });
    const tok = await readGgufTokenizer(file);
    expect(tok.vocabSize).toBe(32000);
    const ids = tok.encode('Hello world', { bos: true });
    expect(ids).toEqual([1, 15043, 3186]);
    const model = new LlamaModel(w.config, w);
    const before = tf.memory().numTensors;
    const logits = model.forward(tf.tensor2d([ids], undefined, 'int32'));
    expect(logits.shape).toEqual([1, 3, 32000]);
    expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true);
    logits.dispose();
    expect(tf.memory().numTensors - before).toBe(2); // the input ids and the cached causal mask
    model.dispose();
  });

  it('dequantises Q8_0 and Q4_0 blocks', () => {
    const q8b = Buffer.concat([halfBits(0.5), Buffer.from(Int8Array.from({ length: 32 }, (_, j) => j - 16).buffer)]);
    expect(Array.from(dequantizeGgml(GGML_TYPES.Q8_0, q8b, 32, 't'))).toEqual(Array.from({ length: 32 }, (_, j) => (j - 16) * 0.5));
    const nib = Buffer.from(Array.from({ length: 16 }, (_, j) => (j & 0x0f) | ((15 - j) << 4)));
    const q4 = dequantizeGgml(GGML_TYPES.Q4_0, Buffer.concat([halfBits(2), nib]), 32, 't');
    expect(Array.from(q4)).toEqual([...Array.from({ length: 16 }, (_, j) => (j - 8) * 2), ...Array.from({ length: 16 }, (_, j) => (15 - j - 8) * 2)]);
    expect(() => dequantizeGgml(12, Buffer.alloc(10), 32, 'blk.0.attn_q.weight')).toThrow(/blk\.0\.attn_q\.weight.*GGML type 12/);
  });

  it('a Q8_0 re-quantisation of stories260K gives logits close to the f32 model', async () => {
    const src = await loadGguf(path.join(MODELS, 'stories260K/stories260K.f32.gguf'));
    const info = await inspectGguf(path.join(MODELS, 'stories260K/stories260K.f32.gguf'));
    const c = src.config;
    const tensors = info.tensors.map((t) => {
      const data = src.tensors.get(t.name)!.data;
      const quant = t.shape.length === 2 && t.shape[1] % 32 === 0;
      return { name: t.ggufName, ne: [...t.shape].reverse(), type: quant ? GGML_TYPES.Q8_0 : GGML_TYPES.F32, bytes: quant ? q8(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength) };
    });
    expect(tensors.filter((t) => t.type === GGML_TYPES.Q8_0).length).toBeGreaterThan(30);
    const file = path.join(tmp, 'stories-q8.gguf');
    writeGguf(file, [
      ['general.architecture', 'str', 'llama'], ['llama.embedding_length', 'u32', c.dim], ['llama.block_count', 'u32', c.nLayers],
      ['llama.attention.head_count', 'u32', c.nHeads], ['llama.attention.head_count_kv', 'u32', c.nKvHeads],
      ['llama.feed_forward_length', 'u32', c.hiddenDim], ['llama.context_length', 'u32', c.maxSeqLen], ['llama.attention.layer_norm_rms_epsilon', 'f32', 1e-5],
    ], tensors);
    const q = await loadLlamaWeights(file);
    expect(q.config).toEqual(c);
    const a = new LlamaModel(c, src);
    const b = new LlamaModel(q.config, q);
    const seq = tf.tensor2d([[1, 403, 407, 261, 378]], undefined, 'int32');
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a.forward(seq), b.forward(seq)))).dataSync()[0]);
    expect(diff).toBeGreaterThan(0);
    expect(diff).toBeLessThan(0.3);
    seq.dispose();
    a.dispose();
    b.dispose();
  });

  it('truncated and non-GGUF files give clear errors', async () => {
    const raw = readFileSync(path.join(MODELS, 'stories260K/stories260K.f32.gguf'));
    const cut = path.join(tmp, 'cut.gguf');
    writeFileSync(cut, raw.subarray(0, raw.length - 5000));
    await expect(loadGguf(cut)).rejects.toMatchObject({ code: 'E_CHECKPOINT', message: expect.stringMatching(/output\.weight.*truncated|truncated.*output/) });
    const junk = path.join(tmp, 'junk.gguf');
    writeFileSync(junk, Buffer.from('GGUF\u0063\u0000\u0000\u0000garbage'));
    await expect(loadGguf(junk)).rejects.toMatchObject({ code: 'E_CHECKPOINT' });
  });
});
