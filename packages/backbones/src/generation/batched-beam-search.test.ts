import * as tf from '@tensorflow/tfjs-core';
import { describe, it, expect } from 'vitest';
import { PrefixTrie, Rng } from '@ed2/core';
import { LlamaModel } from '../llama/llama-model';
import { LlamaConfig } from '../llama/llama-config';
import { batchedConstrainedBeamSearch } from './batched-beam-search';
import { beamSearch } from './beam-search';

const V = 10;
const N_NEW = 12;
const cfg = LlamaConfig.parse({ dim: 16, nLayers: 2, nHeads: 4, nKvHeads: 2, hiddenDim: 24, vocabSize: V, maxSeqLen: 64 });

/** Exact log-prob of `seq` after `prompt` from one full forward pass (full-vocabulary softmax). */
function bruteScore(model: LlamaModel, rows: tf.Tensor2D, prompt: number[], seq: number[]): number {
  return tf.tidy(() => {
    const all = [...prompt, ...seq];
    const logp = tf.logSoftmax(tf.squeeze(model.forward(tf.tensor2d([all], undefined, 'int32'), { rows }), [0]));
    const data = logp.arraySync() as number[][];
    return seq.reduce((s, t, i) => s + data[prompt.length - 1 + i][t], 0);
  });
}

/** Index-like sequences over the added ids, some with a 4th "suffix" token (mixed lengths), values = entity ids. */
function makeTrie(rng: Rng): { trie: PrefixTrie; seqs: number[][] } {
  const seqs: number[][] = [];
  const keys = new Set<string>();
  while (seqs.length < 14) {
    const s = Array.from({ length: 3 }, (_, m) => V + m * 3 + rng.int(3));
    if (rng.next() < 0.4) s.push(V + 9 + rng.int(3));
    // prefix-free: no sequence may be a prefix of another
    const k = s.join(',');
    if ([...keys].some((o) => o.startsWith(k) || k.startsWith(o))) continue;
    keys.add(k);
    seqs.push(s);
  }
  const trie = new PrefixTrie();
  seqs.forEach((s, i) => trie.insert(s, 100 + i));
  return { trie, seqs };
}

describe('batched trie-constrained beam search', () => {
  const rng = new Rng(11);
  const model = new LlamaModel(cfg, undefined, new Rng(5));
  const rows = tf.keep(tf.randomNormal([N_NEW, cfg.dim], 0, 1, 'float32', 3) as tf.Tensor2D);
  const { trie, seqs } = makeTrie(rng);
  const prompts = [[1, 3, 4], [1, 5], [1, 2, 2, 6, 7, 8], [1], [1, 9, 9, 9]];

  it('equals brute force over every trie sequence when the beam covers the trie', async () => {
    const got = await batchedConstrainedBeamSearch(model, prompts, trie, { beams: 20, topK: 5, rows });
    prompts.forEach((p, i) => {
      const brute = seqs.map((s, j) => ({ value: 100 + j, score: bruteScore(model, rows, p, s) })).sort((a, b) => b.score - a.score).slice(0, 5);
      expect(got[i].map((h) => h.value)).toEqual(brute.map((b) => b.value));
      got[i].forEach((h, k) => expect(h.score).toBeCloseTo(brute[k].score, 4));
    });
  });

  it('gives the per-prompt search results, with narrow beams too, and only ids in the trie', async () => {
    model.embeddingProvider = () => rows;
    try {
      for (const beams of [2, 4]) {
        const got = await batchedConstrainedBeamSearch(model, prompts, trie, { beams, topK: 2, rows });
        prompts.forEach((p, i) => {
          const single = beamSearch(model, p, { beams, topK: 2, trie });
          expect(got[i].map((h) => h.tokens)).toEqual(single.map((s) => s.tokens));
          got[i].forEach((h, k) => expect(h.score).toBeCloseTo(single[k].score, 4));
          for (const h of got[i]) {
            expect(trie.has(h.tokens)).toBe(true);
            expect(h.value).toBe(100 + seqs.findIndex((s) => s.join() === h.tokens.join()));
          }
          expect(new Set(got[i].map((h) => h.value)).size).toBe(got[i].length);
        });
      }
    } finally {
      model.embeddingProvider = undefined;
    }
  });

  it('leaks no tensors and stops when aborted', async () => {
    const before = tf.memory().numTensors;
    await batchedConstrainedBeamSearch(model, prompts, trie, { beams: 3, topK: 3, rows });
    expect(tf.memory().numTensors).toBe(before);
    const ac = new AbortController();
    ac.abort();
    await expect(batchedConstrainedBeamSearch(model, prompts, trie, { beams: 3, topK: 3, rows, signal: ac.signal })).rejects.toThrow(/aborted/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
