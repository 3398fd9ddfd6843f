import { readFileSync } from 'node:fs';
import type { LlamaWeights, LlamaTensor } from '../llama-config';
import { LlamaConfig } from '../llama-config';

/**
 * Test-only reader of a legacy llama2.c checkpoint and tokenizer.bin, used until the real loaders land, so
 * the model's golden test does not depend on them. Not exported from the package.
 */
export function readLlama2cForTests(path: string): LlamaWeights {
  const buf = readFileSync(path);
  const hdr = new Int32Array(buf.buffer, buf.byteOffset, 7);
  const [dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabRaw, maxSeqLen] = Array.from(hdr);
  const vocabSize = Math.abs(vocabRaw);
  const f = new Float32Array(buf.buffer.slice(buf.byteOffset + 28, buf.byteOffset + buf.byteLength));
  let off = 0;
  const take = (shape: number[]): LlamaTensor => {
    const n = shape.reduce((a, b) => a * b, 1);
    const t = { shape, data: f.slice(off, off + n) };
    off += n;
    return t;
  };
  const perLayer = (shape: number[]) => Array.from({ length: nLayers }, () => take(shape));
  const hd = dim / nHeads;
  const tensors = new Map<string, LlamaTensor>();
  tensors.set('model.embed_tokens.weight', take([vocabSize, dim]));
  const names: [string, number[]][] = [
    ['input_layernorm.weight', [dim]],
    ['self_attn.q_proj.weight', [dim, dim]],
    ['self_attn.k_proj.weight', [nKvHeads * hd, dim]],
    ['self_attn.v_proj.weight', [nKvHeads * hd, dim]],
    ['self_attn.o_proj.weight', [dim, dim]],
    ['post_attention_layernorm.weight', [dim]],
    ['mlp.gate_proj.weight', [hiddenDim, dim]],
    ['mlp.down_proj.weight', [dim, hiddenDim]],
    ['mlp.up_proj.weight', [hiddenDim, dim]],
  ];
  for (const [name, shape] of names) perLayer(shape).forEach((t, i) => tensors.set(`model.layers.${i}.${name}`, t));
  tensors.set('model.norm.weight', take([dim]));
  off += maxSeqLen * hd; // freq_cis_real, freq_cis_imag
  if (vocabRaw < 0) tensors.set('lm_head.weight', take([vocabSize, dim]));
  const config = LlamaConfig.parse({
    dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize, maxSeqLen, ropeStyle: 'interleaved', tiedEmbeddings: vocabRaw > 0,
  });
  return { config, tensors };
}

/** llama2.c tokenizer.bin pieces (test-only decode). */
export function readLlama2cVocabForTests(path: string): string[] {
  const buf = readFileSync(path);
  const pieces: string[] = [];
  let p = 4;
  while (p < buf.length) {
    p += 4; // score
    const len = buf.readInt32LE(p);
    p += 4;
    pieces.push(buf.subarray(p, p + len).toString('utf8'));
    p += len;
  }
  return pieces;
}

/** llama2.c-style decode of generated ids following BOS. */
export function decodeForTests(pieces: string[], ids: number[]): string {
  let out = '';
  ids.forEach((id, i) => {
    let s = pieces[id];
    if (i === 0 && s.startsWith(' ')) s = s.slice(1);
    const m = /^<0x([0-9A-F]{2})>$/.exec(s);
    out += m ? String.fromCharCode(parseInt(m[1], 16)) : s;
  });
  return out;
}
