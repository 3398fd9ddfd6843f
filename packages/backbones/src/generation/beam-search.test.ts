import * as tf from '@tensorflow/tfjs-core';
import { describe, it, expect } from 'vitest';
import { Rng } from '@ed2/core';
import { LlamaModel } from '../llama/llama-model';
import { LlamaConfig } from '../llama/llama-config';
import { PrefixTrie } from './prefix-trie';
import { beamSearch } from './beam-search';
import { generate } from './generate';

const cfg = LlamaConfig.parse({ dim: 16, nLayers: 2, nHeads: 4, nKvHeads: 2, hiddenDim: 24, vocabSize: 12, maxSeqLen: 32 });

/** Exact log-prob of `seq` after `prompt` from one full forward pass. */
function fullScore(model: LlamaModel, prompt: number[], seq: number[]): number {
  return tf.tidy(() => {
    const all = [...prompt, ...seq];
    const logp = tf.logSoftmax(tf.squeeze(model.forward(tf.tensor2d([all], undefined, 'int32')), [0]));
    const data = logp.arraySync() as number[][];
    return seq.reduce((s, t, i) => s + data[prompt.length - 1 + i][t], 0);
  });
}

describe('constrained beam search', () => {
  const rng = new Rng(7);
  const seqs: number[][] = [];
  while (seqs.length < 9) {
    const s = Array.from({ length: 3 }, () => 3 + rng.int(9));
    if (!seqs.some((x) => x.join() === s.join())) seqs.push(s);
  }
  seqs.push([4, 5]); // a shorter sequence that is not a prefix of the others
  const trie = PrefixTrie.from(seqs);

  it('equals the brute-force top-k when beams cover every sequence, and stays inside the trie', () => {
    const model = new LlamaModel(cfg, undefined, new Rng(11));
    const prompt = [1, 6, 2];
    beamSearch(model, prompt, { beams: seqs.length, topK: 4, trie }); // warm the causal-mask cache
    const before = tf.memory().numTensors;
    const got = beamSearch(model, prompt, { beams: seqs.length, topK: 4, trie });
    expect(tf.memory().numTensors).toBe(before); // no leak: KV cache freed, masks reused
    const brute = seqs.map((s) => ({ tokens: s, score: fullScore(model, prompt, s) })).sort((a, b) => b.score - a.score);
    expect(got.map((g) => g.tokens)).toEqual(brute.slice(0, 4).map((b) => b.tokens));
    got.forEach((g, i) => expect(g.score).toBeCloseTo(brute[i].score, 4));
    model.dispose();
  });

  it('returns only distinct sequences from the trie with a narrow beam', () => {
    const model = new LlamaModel(cfg, undefined, new Rng(12));
    const got = beamSearch(model, [1], { beams: 3, topK: 3, trie });
    expect(got.length).toBe(3);
    for (const g of got) expect(trie.has(g.tokens)).toBe(true);
    expect(new Set(got.map((g) => g.tokens.join())).size).toBe(3);
    model.dispose();
  });

  it('greedy generation equals unconstrained beam search with one beam', () => {
    const model = new LlamaModel(cfg, undefined, new Rng(13));
    const greedy = generate(model, [1, 3], { maxNewTokens: 5 });
    const beam = beamSearch(model, [1, 3], { beams: 1, maxNewTokens: 5 });
    expect(beam[0].tokens).toEqual(greedy);
    const sampled = generate(model, [1, 3], { maxNewTokens: 5, temperature: 1, topK: 5, topP: 0.9, rng: new Rng(1) });
    const again = generate(model, [1, 3], { maxNewTokens: 5, temperature: 1, topK: 5, topP: 0.9, rng: new Rng(1) });
    expect(sampled).toEqual(again);
    model.dispose();
  });
});
