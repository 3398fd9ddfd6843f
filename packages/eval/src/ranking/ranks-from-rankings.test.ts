import { describe, expect, it } from 'vitest';
import { ranksFromRankings } from './ranks-from-rankings';

describe('ranksFromRankings', () => {
  const lists = [{ items: [4, 2, 9, 1] }, { items: [3, 5, 7, 8] }, { items: [6, 0, 1, 2] }];

  it('is the 1-based position in the list, or k + 1 when the target is absent', () => {
    expect(Array.from(ranksFromRankings(lists, [9, 1, 6], 4))).toEqual([3, 5, 1]);
  });

  it('only the first k items count', () => {
    expect(Array.from(ranksFromRankings(lists, [9, 8, 6], 2))).toEqual([3, 3, 1]);
  });

  it('with exclude, seen items other than the target are dropped before positions are counted', () => {
    expect(Array.from(ranksFromRankings(lists, [9, 7, 1], 4, [[4, 2], [7, 3], [0]]))).toEqual([1, 2, 2]);
  });

  it('rejects a count mismatch', () => {
    expect(() => ranksFromRankings(lists, [1, 2], 4)).toThrow(/3 rankings for 2 cases/);
  });
});
