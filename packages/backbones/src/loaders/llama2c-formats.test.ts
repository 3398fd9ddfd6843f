import * as path from 'node:path';
import * as os from 'node:os';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { LlamaWeights } from '../llama/llama-config';
import { loadLlama2c, inspectLlama2c } from './llama2c-loader';
import { detectLlamaFormat, loadLlamaWeights } from './load-llama-weights';

const BIN = path.resolve(__dirname, '../../../../../shared/models/stories260K/stories260K.bin');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ed2-l2c-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const L = (w: LlamaWeights, key: string) => Array.from({ length: w.config.nLayers }, (_, i) => w.tensors.get(`model.layers.${i}.${key}`)!.data);
const f32 = (arrs: Float32Array[]) => Buffer.concat(arrs.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));

/** Writes llama2.c export.py's version 1 (fp32) or 2 (Q8_0, group gs) layout, independently of the loader. */
function writeExport(w: LlamaWeights, version: 1 | 2, shared: boolean, gs = 4): string {
  const c = w.config;
  const head = Buffer.alloc(256);
  head.writeUInt32LE(0x616b3432, 0);
  head.writeInt32LE(version, 4);
  [c.dim, c.hiddenDim, c.nLayers, c.nHeads, c.nKvHeads, c.vocabSize, c.maxSeqLen].forEach((v, i) => head.writeInt32LE(v, 8 + 4 * i));
  head.writeUInt8(shared ? 1 : 0, 36);
  if (version === 2) head.writeInt32LE(gs, 37);
  const norms = [...L(w, 'input_layernorm.weight'), ...L(w, 'post_attention_layernorm.weight'), w.tensors.get('model.norm.weight')!.data];
  const mats = [
    w.tensors.get('model.embed_tokens.weight')!.data,
    ...['self_attn.q_proj', 'self_attn.k_proj', 'self_attn.v_proj', 'self_attn.o_proj', 'mlp.gate_proj', 'mlp.down_proj', 'mlp.up_proj'].flatMap((k) => L(w, `${k}.weight`)),
  ];
  if (!shared) mats.push(w.tensors.get('model.embed_tokens.weight')!.data.map((x) => -x));
  let body: Buffer;
  if (version === 1) body = f32([...norms, ...mats]);
  else {
    const parts = [f32(norms)];
    for (const m of mats) {
      const q = new Int8Array(m.length);
      const s = new Float32Array(m.length / gs);
      for (let g = 0; g < s.length; g++) {
        const max = Math.max(...Array.from(m.subarray(g * gs, (g + 1) * gs), Math.abs));
        s[g] = max / 127;
        for (let j = 0; j < gs; j++) q[g * gs + j] = Math.round(m[g * gs + j] / (s[g] || 1));
      }
      parts.push(Buffer.from(q.buffer), f32([s]));
    }
    body = Buffer.concat(parts);
  }
  const file = path.join(tmp, `v${version}-${shared ? 'shared' : 'sep'}.bin`);
  writeFileSync(file, Buffer.concat([head, body]));
  return file;
}

describe('llama2.c checkpoint formats', () => {
  it('v1 (ak42, fp32) with shared and separate classifier loads the same tensors as the legacy file', async () => {
    const legacy = await loadLlama2c(BIN);
    const v1 = await loadLlama2c(writeExport(legacy, 1, true));
    expect(v1.config).toEqual(legacy.config);
    for (const [name, t] of legacy.tensors) expect(Buffer.from(v1.tensors.get(name)!.data.buffer).equals(Buffer.from(t.data.buffer)), name).toBe(true);
    const sep = await loadLlama2c(writeExport(legacy, 1, false));
    expect(sep.config.tiedEmbeddings).toBe(false);
    expect(sep.tensors.get('lm_head.weight')!.data[5]).toBe(-legacy.tensors.get('model.embed_tokens.weight')!.data[5]);
  });

  it('v2 (int8 groups) dequantises within half a quantisation step', async () => {
    const legacy = await loadLlama2c(BIN);
    const file = writeExport(legacy, 2, true, 4);
    expect((await inspectLlama2c(file)).version).toBe(2);
    const v2 = await loadLlama2c(file);
    const a = legacy.tensors.get('model.layers.3.mlp.down_proj.weight')!.data;
    const b = v2.tensors.get('model.layers.3.mlp.down_proj.weight')!.data;
    for (let g = 0; g < a.length; g += 4) {
      const step = Math.max(...Array.from(a.subarray(g, g + 4), Math.abs)) / 127;
      for (let j = g; j < g + 4; j++) expect(Math.abs(a[j] - b[j])).toBeLessThanOrEqual(step / 2 + 1e-7);
    }
    expect(v2.tensors.get('model.norm.weight')!.data).toEqual(legacy.tensors.get('model.norm.weight')!.data);
  });

  it('legacy file with a separate classifier (negative vocab) and auto-detection', async () => {
    const raw = readFileSync(BIN);
    const neg = Buffer.concat([raw, raw.subarray(28, 28 + 512 * 64 * 4)]);
    neg.writeInt32LE(-512, 20);
    const file = path.join(tmp, 'legacy-sep.bin');
    writeFileSync(file, neg);
    expect(await detectLlamaFormat(file)).toBe('bin');
    const w = await loadLlamaWeights(file);
    expect(w.config.tiedEmbeddings).toBe(false);
    expect(w.tensors.get('lm_head.weight')!.data).toEqual(w.tensors.get('model.embed_tokens.weight')!.data);
  });

  it('truncated, garbage and pickle files give clear errors', async () => {
    const raw = readFileSync(BIN);
    const cut = path.join(tmp, 'cut.bin');
    writeFileSync(cut, raw.subarray(0, 500000));
    await expect(loadLlama2c(cut)).rejects.toMatchObject({ code: 'E_CHECKPOINT', message: expect.stringMatching(/truncated/) });
    const junk = path.join(tmp, 'junk.bin');
    writeFileSync(junk, Buffer.alloc(64, 0xff));
    await expect(loadLlama2c(junk)).rejects.toThrow(/implausible header/);
    const pk = path.join(tmp, 'pytorch_model.bin');
    writeFileSync(pk, Buffer.from('PK\u0003\u0004rest'));
    await expect(loadLlamaWeights(pk)).rejects.toMatchObject({ code: 'E_UNSUPPORTED' });
    await expect(loadLlamaWeights(path.join(tmp, 'absent.bin'))).rejects.toMatchObject({ code: 'E_DATA_MISSING' });
  });
});
