import { describe, expect, it } from 'vitest';
import { contextMask } from './context-mask';

describe('contextMask', () => {
  it('equals the hand-built mask of a 2-item prompt (item tokens see only their item, the rest is causal, padding masked)', () => {
    // 0 <s> · 1 history · 2 <item_a> · 3 a-text · 4 ; · 5 <item_b> · 6 b-text · 7 b-text · 8 next · 9 padding
    const hand = [
      '1000000000',
      '1100000000',
      '0010000000',
      '0011000000',
      '1111100000',
      '0000010000',
      '0000011000',
      '0000011100',
      '1111111110',
      '1111111111',
    ];
    const m = contextMask([[{ start: 2, end: 4 }, { start: 5, end: 8 }]], [9], 10);
    const rows = Array.from({ length: 10 }, (_, i) => Array.from(m.subarray(i * 10, (i + 1) * 10)).join(''));
    expect(rows).toEqual(hand);
  });

  it('builds one block per sample of a batch', () => {
    const m = contextMask([[{ start: 0, end: 2 }], []], [2, 3], 3);
    expect(Array.from(m)).toEqual([1, 0, 0, 1, 1, 0, 1, 1, 1, /* sample 2: causal */ 1, 0, 0, 1, 1, 0, 1, 1, 1]);
  });
});
