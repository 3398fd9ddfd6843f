import { describe, expect, it } from 'vitest';
import type { Corpus } from '../domain/corpus';
import { associatedUsers } from './associated-users';
import { kCore } from './k-core';
import { leaveOneOut } from './leave-one-out';

const corpus = (seqs: number[][], numItems: number): Corpus => ({
  name: 't',
  items: Array.from({ length: numItems }, (_, id) => ({ id, key: `i${id}` })),
  users: seqs.map((_, id) => ({ id, key: `u${id}` })),
  sequences: seqs,
  source: {},
});

describe('data utilities', () => {
  it('leaveOneOut holds out last two items, skips short users', () => {
    const s = leaveOneOut(corpus([[0, 1, 2, 3], [1, 2]], 4));
    expect(s.train).toEqual([[0, 1], [1, 2]]);
    expect(s.valid).toEqual([{ user: 0, history: [0, 1], target: 2 }]);
    expect(s.test).toEqual([{ user: 0, history: [0, 1, 2], target: 3 }]);
  });
  it('leaveOneOut names the users too short to split in ONE warning', () => {
    const warnings: string[] = [];
    const events = { warn: (m: string) => void warnings.push(m) };
    const seqs = [[0, 1, 2, 3], [1, 2], [3], ...Array.from({ length: 12 }, () => [0, 1])];
    const s = leaveOneOut(corpus(seqs, 4), { events });
    expect(s.valid.map((c) => c.user)).toEqual([0]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/14 users with fewer than 3 items/);
    expect(warnings[0]).toMatch(/"u1", "u2", "u3", .*"u10" and 4 more/);
    expect(warnings[0]).toMatch(/minSequenceLength=3/);
    leaveOneOut(corpus([[0, 1, 2]], 3), { events });
    expect(warnings).toHaveLength(1);
  });
  it('associatedUsers uses training part only', () => {
    const a = associatedUsers(leaveOneOut(corpus([[0, 1, 2, 3], [0, 3, 1]], 4)));
    expect(a.get(0)).toEqual([0, 1]);
    expect(a.get(3)).toBeUndefined();
  });
  it('kCore filters iteratively and remaps ids', () => {
    const c = kCore(corpus([[0, 1, 2], [0, 1], [0, 1, 3]], 4), 2);
    expect(c.sequences).toEqual([[0, 1], [0, 1], [0, 1]]);
    expect(c.items.map((i) => i.key)).toEqual(['i0', 'i1']);
  });
});

import { corpusStats, formatStats } from './corpus-stats';
describe('corpusStats', () => {
  it('counts, lengths, gini', () => {
    const s = corpusStats(corpus([[0, 1, 2, 3], [0, 0], [0]], 4));
    expect(s.interactions).toBe(7);
    expect(s.seqLength).toEqual({ min: 1, mean: 7 / 3, median: 2, max: 4 });
    expect(s.usersTooShortForEval).toBe(2);
    expect(corpusStats(corpus([[0, 1], [1, 0]], 2)).popularityGini).toBe(0);
    expect(s.popularityGini).toBeGreaterThan(0.2);
    expect(formatStats('t', s)).toContain('interactions   7');
  });
});
