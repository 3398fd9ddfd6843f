import { describe, expect, it } from 'vitest';
import { Rng } from '@ed2/core';
import { spmBpeMerge } from './spm-bpe-merge';

/** The textbook O(n²) loop: merge the best-scoring adjacent pair (leftmost on ties) until none is left. */
function naive(symbols: string[], scoreOf: (s: string) => number | undefined): string[] {
  const syms = symbols.slice();
  for (;;) {
    let best = -Infinity;
    let at = -1;
    for (let i = 0; i + 1 < syms.length; i++) {
      const s = scoreOf(syms[i] + syms[i + 1]);
      if (s !== undefined && s > best) {
        best = s;
        at = i;
      }
    }
    if (at < 0) return syms;
    syms.splice(at, 2, syms[at] + syms[at + 1]);
  }
}

describe('spmBpeMerge', () => {
  it('equals the naive score-ordered merge loop on random vocabularies and texts (ties included)', () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 200; trial++) {
      const alphabet = 'abcd'.slice(0, 2 + rng.int(3));
      const vocab = new Map<string, number>();
      for (let k = 0; k < 5 + rng.int(25); k++) {
        const len = 2 + rng.int(4);
        const piece = Array.from({ length: len }, () => alphabet[rng.int(alphabet.length)]).join('');
        vocab.set(piece, -rng.int(6)); // few distinct scores → many ties
      }
      const text = Array.from({ length: 1 + rng.int(40) }, () => alphabet[rng.int(alphabet.length)]);
      const scoreOf = (s: string) => vocab.get(s);
      expect(spmBpeMerge(text, scoreOf)).toEqual(naive(text, scoreOf));
    }
    expect(spmBpeMerge([], () => 0)).toEqual([]);
  });
});
