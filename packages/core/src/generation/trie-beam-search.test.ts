import { describe, it, expect } from 'vitest';
import type { BeamDecoder } from '../domain/beam-decoder';
import { PrefixTrie } from '../index-vocab/prefix-trie';
import { trieBeamSearch } from './trie-beam-search';

const FIRST = 50;
const COUNT = 8;

/** Deterministic pseudo-logits of the next token given (prompt, generated so far), normalised over COUNT + 4 outputs. */
function logpOf(prompt: readonly number[], gen: readonly number[]): number[] {
  const key = [...prompt, -1, ...gen];
  const logits = Array.from({ length: COUNT + 4 }, (_, j) => Math.sin(key.reduce((h, t, i) => h * 31 + (t + 7) * (i + 3), j + 1)) * 3);
  const m = Math.max(...logits);
  const lse = m + Math.log(logits.reduce((s, x) => s + Math.exp(x - m), 0));
  return logits.slice(0, COUNT).map((x) => x - lse); // the 4 extra outputs are "base vocabulary" mass
}

/** A decoder that remembers each row's (prompt, tokens) and answers from `logpOf`; counts live state. */
class TableDecoder implements BeamDecoder {
  readonly firstId = FIRST;
  readonly count = COUNT;
  rows: { p: number; gen: number[] }[] = [];
  prompts: readonly (readonly number[])[] = [];
  disposed = false;
  start(prompts: readonly (readonly number[])[]): Float32Array {
    this.prompts = prompts;
    this.rows = prompts.map((_, p) => ({ p, gen: [] }));
    return this.emit();
  }
  advance(parents: readonly number[], tokens: readonly number[]): Float32Array {
    this.rows = parents.map((r, i) => ({ p: this.rows[r].p, gen: [...this.rows[r].gen, tokens[i]] }));
    return this.emit();
  }
  dispose(): void {
    this.disposed = true;
  }
  private emit(): Float32Array {
    return Float32Array.from(this.rows.flatMap((r) => logpOf(this.prompts[r.p], r.gen)));
  }
}

describe('trieBeamSearch', () => {
  // mixed lengths: 2- and 3-token sequences, and one that extends a complete one (an index with a suffix)
  const seqs = [[50, 51], [50, 52, 53], [51, 54], [51, 55, 56], [52, 57, 50], [52, 57], [53, 50, 51], [54, 51]];
  const trie = new PrefixTrie();
  seqs.forEach((s, i) => trie.insert(s, 10 + i));
  const prompts = [[1, 2], [3], [4, 4, 4]];
  const brute = (p: readonly number[]) =>
    seqs
      .map((s, i) => ({ value: 10 + i, score: s.reduce((acc, t, d) => acc + logpOf(p, s.slice(0, d))[t - FIRST], 0) }))
      .sort((a, b) => b.score - a.score);

  it('equals brute force over every trie sequence when the beam covers the trie, and disposes the decoder', async () => {
    const dec = new TableDecoder();
    const got = await trieBeamSearch(dec, prompts, trie, { beams: 8, topK: 5 });
    expect(dec.disposed).toBe(true);
    prompts.forEach((p, i) => {
      const b = brute(p).slice(0, 5);
      expect(got[i].map((h) => h.value)).toEqual(b.map((x) => x.value));
      got[i].forEach((h, k) => expect(h.score).toBeCloseTo(b[k].score, 5));
      got[i].forEach((h) => expect(h.tokens).toEqual(seqs[h.value - 10]));
    });
  });

  it('returns only complete trie sequences, distinct, best first, with narrow beams', async () => {
    const got = await trieBeamSearch(new TableDecoder(), prompts, trie, { beams: 2, topK: 2 });
    for (const hits of got) {
      expect(hits.length).toBeGreaterThan(0);
      expect(hits.length).toBeLessThanOrEqual(2);
      hits.forEach((h) => expect(trie.has(h.tokens)).toBe(true));
      expect(new Set(hits.map((h) => h.value)).size).toBe(hits.length);
      for (let k = 1; k < hits.length; k++) expect(hits[k - 1].score).toBeGreaterThanOrEqual(hits[k].score);
    }
  });

  it('refuses bad options and stops when aborted, disposing the decoder either way', async () => {
    const d1 = new TableDecoder();
    await expect(trieBeamSearch(d1, prompts, trie, { beams: 0, topK: 1 })).rejects.toThrow(/beams must be a positive integer/);
    expect(d1.disposed).toBe(true);
    const ac = new AbortController();
    ac.abort();
    const d2 = new TableDecoder();
    await expect(trieBeamSearch(d2, prompts, trie, { beams: 2, topK: 1, signal: ac.signal })).rejects.toThrow(/aborted/);
    expect(d2.disposed).toBe(true);
  });
});
