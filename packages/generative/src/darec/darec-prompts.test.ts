import { describe, expect, it } from 'vitest';
import { DarecPrompts } from './darec-prompts';
import { contextMask } from './context-mask';

// a toy tokenizer: one id per word, 100 + its position in this list
const words = ['history', ':', ';', 'next', 'item', 'describe', 'red', 'drum', 'blue'];
const tokenize = (t: string) => t.split(/\s+/).filter(Boolean).map((w) => 100 + words.indexOf(w));

describe('DarecPrompts', () => {
  const parts = { bos: 1, itemBase: 200, numItems: 3, itemText: [[106, 107], [108], [107]], tokenize };

  it('lays out a 2-item history: item token + its text per span, the user token as the read-out', () => {
    const p = new DarecPrompts({ ...parts, userToken: 'end' }).sequential([2, 0], 4);
    // <s> history : <item_2> drum ; <item_0> red drum ; next item : <user_4 = 200 + 3 + 4>
    expect(p.ids).toEqual([1, 100, 101, 202, 107, 102, 200, 106, 107, 102, 103, 104, 101, 207]);
    expect(p.spans).toEqual([{ start: 3, end: 5 }, { start: 6, end: 9 }]);
    // the read-out position sees every real token; <item_0>'s text sees only its own item
    const m = contextMask([p.spans], [p.ids.length], p.ids.length);
    const row = (i: number) => Array.from(m.subarray(i * 14, (i + 1) * 14)).join('');
    expect(row(13)).toBe('11111111111111');
    expect(row(8)).toBe('00000011100000');
  });

  it('puts the user token after <s> with start, none without injection; alignment prompts hold one text span', () => {
    expect(new DarecPrompts({ ...parts, userToken: 'start' }).sequential([1], 0).ids).toEqual([1, 203, 100, 101, 201, 108, 102, 103, 104, 101]);
    expect(new DarecPrompts(parts).sequential([1], 0).ids).toEqual([1, 100, 101, 201, 108, 102, 103, 104, 101]);
    expect(new DarecPrompts(parts).alignment(0)).toEqual({ ids: [1, 105, 101, 106, 107, 104, 101], spans: [{ start: 3, end: 5 }] });
  });
});
