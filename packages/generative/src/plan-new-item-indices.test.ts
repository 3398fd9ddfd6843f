import { describe, expect, it } from 'vitest';
import { PrefixTrie } from '@ed2/core';
import { planNewItemIndices } from './plan-new-item-indices';

// existing (by hand): item 0 = (1,2) plain; items 1, 2 = (3,4) collision set with suffixes 0 and 1; item 3 = (1,5)
const existing = [['<a_1>', '<b_2>'], ['<a_3>', '<b_4>', '<p_0>'], ['<a_3>', '<b_4>', '<p_1>'], ['<a_1>', '<b_5>']];
const base = { prefix: '', levels: 2, codebookSize: 8, suffixSlots: 3 };

describe('planNewItemIndices', () => {
  it('keeps a free tuple, joins a collision set with its next suffix, re-routes a plain collision to the nearest free code', () => {
    const got = planNewItemIndices(existing, Int32Array.from([6, 6, 3, 4, 1, 2, 1, 2]), ['n0', 'n1', 'n2', 'n3'], base);
    expect(got.map((g) => g.tokens)).toEqual([
      ['<a_6>', '<b_6>'], // unused
      ['<a_3>', '<b_4>', '<p_2>'], // set {0,1} → next suffix 2
      ['<a_1>', '<b_1>'], // (1,2) held plainly; free last-level codes of <a_1>: 0,1,3,4,6,7 (2 and 5 used) → |c−2| least: 1 (tie with 3, first wins)
      ['<a_1>', '<b_3>'], // now 1 is taken too → 3
    ]);
    expect(got.map((g) => g.resolution)).toEqual(['unique', 'suffix', 'rerouted', 'rerouted']);
    expect(got[2].assigned).toEqual([1, 2]);
  });

  it('re-routes by codeword distance when the last level codebook is given', () => {
    // codewords on a line except code 7, which sits right next to code 2
    const dim = 1;
    const data = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 2.1]);
    const got = planNewItemIndices(existing, Int32Array.from([1, 2]), ['n'], { ...base, lastLevelCodebook: { data, dim } });
    expect(got[0].tokens).toEqual(['<a_1>', '<b_7>']);
  });

  it('leaves the whole index prefix-free and unique (checked on the trie), existing indices untouched', () => {
    const assigned = Int32Array.from([3, 4, 3, 4, 1, 2, 6, 6, 6, 6]);
    const got = planNewItemIndices(existing, assigned, ['a', 'b', 'c', 'd', 'e'], base);
    const all = [...existing, ...got.map((g) => g.tokens)].map((t) => t.join(''));
    expect(new Set(all).size).toBe(all.length);
    for (const x of all) for (const y of all) if (x !== y) expect(y.startsWith(x)).toBe(false);
    // (3,4) gets suffix 2, then its set is full (3 slots) → the second (3,4) is re-routed
    expect(got[0].tokens).toEqual(['<a_3>', '<b_4>', '<p_2>']);
    expect(got[1].resolution).toBe('rerouted');
    expect(got[4].tokens).not.toEqual(got[3].tokens);
    const ids = new Map<string, number>();
    const trie = new PrefixTrie();
    [...existing, ...got.map((g) => g.tokens)].forEach((t, i) => trie.insert(t.map((s) => ids.get(s) ?? ids.set(s, ids.size).get(s)!), i));
    expect(trie.entries().length).toBe(existing.length + got.length);
  });

  it('names an item that fits nowhere', () => {
    const full = Array.from({ length: 2 }, (_, c) => ['<a_0>', `<b_${c}>`]);
    expect(() => planNewItemIndices(full, Int32Array.from([0, 0]), ['lamp'], { ...base, codebookSize: 2 })).toThrow(/new item "lamp".*no free last-level code/);
  });
});
