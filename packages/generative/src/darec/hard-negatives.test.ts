import { Rng } from '@ed2/core';
import { describe, expect, it } from 'vitest';
import { hardNegatives } from './hard-negatives';
import { attributeText, attributeWords } from './attribute-text';

describe('DARec items and hard negatives', () => {
  it('flattens attributes to key–value text and keeps the value words for similarity', () => {
    const item = { id: 0, key: 'A1', title: 'Red  Guitar', brand: 'Acme', categories: ['Music', 'Guitars'] };
    expect(attributeText(item, ['title', 'brand', 'categories'])).toBe('title: Red Guitar; brand: Acme; categories: Music, Guitars');
    expect(attributeText({ id: 1, key: 'B2' }, ['title', 'brand'])).toBe('id: B2');
    expect(attributeWords(item, ['title', 'categories'])).toEqual(['red', 'guitar', 'music', 'guitars']);
  });

  it('picks the most similar items never bought together (Jaccard by hand), ignoring words on over half the items', () => {
    // "shop" is on all 6 items (over half: dropped). Sets: 0 {a,b,c} 1 {a} 2 {a,b,d,i} 3 {c,g} 4 {e} 5 {f}.
    // Jaccard to 0: item 2 2/5, item 1 1/3, item 3 1/4; to 1: item 0 1/3, item 2 1/4 (3 was bought with 1).
    const words = [['a', 'b', 'c', 'shop'], ['a', 'shop'], ['a', 'b', 'd', 'i', 'shop'], ['c', 'g', 'shop'], ['e', 'shop'], ['f', 'shop']];
    const seqs = [[0, 4], [1, 3]];
    const neg = hardNegatives(words, seqs, 2, new Rng(1));
    expect(neg[0]).toEqual([2, 1]);
    expect(neg[1]).toEqual([0, 2]);
    // item 4 shares no word: filled from the items never bought with it (not 4 itself, not 0)
    expect(neg[4]).toHaveLength(2);
    for (const j of neg[4]) expect([1, 2, 3, 5]).toContain(j);
    expect(hardNegatives(words, seqs, 0, new Rng(1))).toEqual([[], [], [], [], [], []]);
  });
});
