import { describe, expect, it } from 'vitest';
import type { EntityIndex } from '../domain/entity-index';
import { IndexVocabulary } from './index-vocabulary';

const layouts = [
  { kind: 'item' as const, prefix: '', levels: 2, codebookSize: 3, suffixes: 2 },
  { kind: 'user' as const, prefix: 'u_', levels: 2, codebookSize: 3, suffixes: 2 },
];

describe('IndexVocabulary', () => {
  it('lays out fixed blocks: item codes, item suffixes, user codes, user suffixes', () => {
    const v = new IndexVocabulary(layouts, 100);
    expect(v.size).toBe(2 * (2 * 3 + 2));
    // hand-written expected order
    expect(v.tokens.slice(0, 8)).toEqual(['<a_0>', '<a_1>', '<a_2>', '<b_0>', '<b_1>', '<b_2>', '<p_0>', '<p_1>']);
    expect(v.id('<u_a_0>')).toBe(108);
    expect(v.info(113)).toMatchObject({ token: '<u_b_2>', branch: 'user', kind: 'code', level: 1, code: 2, row: 13 });
    expect(v.blocks.map((b) => [b.branch, b.kind, b.level, b.start, b.size])).toEqual([
      ['item', 'code', 0, 0, 3], ['item', 'code', 1, 3, 3], ['item', 'suffix', 2, 6, 2],
      ['user', 'code', 0, 8, 3], ['user', 'code', 1, 11, 3], ['user', 'suffix', 2, 14, 2],
    ]);
    expect(v.isIndexId(99)).toBe(false);
  });

  it('keeps every id when indices change, and its trie maps each leaf to its own item (mixed lengths)', () => {
    const v = new IndexVocabulary(layouts, 100);
    const before = [...v.tokens];
    const index: EntityIndex = { kind: 'item', vocabulary: [], tokens: [['<a_0>', '<b_1>'], ['<a_0>', '<b_2>', '<p_0>'], ['<a_0>', '<b_2>', '<p_1>'], ['<a_2>', '<b_0>']] };
    const trie = v.trie(index);
    const leaves = trie.entries().map((e) => [e.tokens, e.value]);
    expect(leaves).toEqual([[[100, 104], 0], [[100, 105, 106], 1], [[100, 105, 107], 2], [[102, 103], 3]]);
    const reassigned: EntityIndex = { ...index, tokens: [['<a_1>', '<b_1>'], ['<a_2>', '<b_2>'], ['<a_0>', '<b_0>'], ['<a_2>', '<b_0>']] };
    for (const { tokens, value } of v.trie(reassigned).entries()) expect(v.entityIds(reassigned, value!)).toEqual(tokens);
    expect(v.tokens).toEqual(before);
  });

  it('refuses a suffix past the preallocated slots and duplicate indices, naming the fix', () => {
    const v = new IndexVocabulary(layouts, 0);
    expect(() => v.entityIds({ kind: 'item', vocabulary: [], tokens: [['<a_0>', '<b_0>', '<p_5>']] }, 0)).toThrow(/suffixTokens/);
    expect(() => v.trie({ kind: 'item', vocabulary: [], tokens: [['<a_0>', '<b_0>'], ['<a_0>', '<b_0>']] })).toThrow(/share the index/);
    expect(() => new IndexVocabulary([layouts[0], { ...layouts[1], prefix: '' }], 0)).toThrow(/prefix/);
  });
});
