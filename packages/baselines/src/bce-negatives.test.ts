import { Rng } from '@ed2/core';
import { describe, expect, it } from 'vitest';
import { bceNegatives } from './bce-negatives';
import { sampleNegative } from './sample-negative';

// Two left-padded rows of width 5 (item id + 1, 0 = padding): inputs = seq[:-1], targets = seq[1:].
const inputs = Int32Array.from([0, 0, 11, 12, 13, 0, 0, 0, 0, 21]);
const targets = Int32Array.from([0, 0, 12, 13, 14, 0, 0, 0, 0, 22]);
const o = { numItems: 50, width: 5 };

describe('bceNegatives', () => {
  it('historyRate 1 draws each negative from the prefix read so far, never the target or a later item', () => {
    const rng = new Rng(3);
    const hits = new Map<number, Set<number>>();
    for (let t = 0; t < 400; t++) {
      const neg = bceNegatives(rng, inputs, targets, { ...o, historyRate: 1 }, () => undefined);
      neg.forEach((v, k) => {
        if (targets[k] === 0) return expect(v).toBe(0);
        (hits.get(k) ?? hits.set(k, new Set()).get(k)!).add(v);
      });
    }
    expect([...hits.get(2)!]).toEqual([11]); // position 2 has read item 11 only
    expect([...hits.get(3)!].sort()).toEqual([11, 12]);
    expect([...hits.get(4)!].sort()).toEqual([11, 12, 13]);
    expect([...hits.get(9)!]).toEqual([21]);
  });

  it('historyRate 0 consumes the rng exactly like per-position sampleNegative (earlier runs reproduce)', () => {
    const seen = new Set([10, 11, 12, 13, 20, 21]);
    const a = bceNegatives(new Rng(9), inputs, targets, { ...o, historyRate: 0 }, () => seen);
    const b = new Rng(9);
    const expected = Array.from(targets, (y) => (y === 0 ? 0 : sampleNegative(b, 50, y - 1, seen) + 1));
    expect(Array.from(a)).toEqual(expected);
    for (const v of a) if (v !== 0) expect(seen.has(v - 1)).toBe(false);
  });

  it('a fractional rate mixes history and sampled negatives, and falls back when the prefix is only the target', () => {
    const rng = new Rng(4);
    let fromHistory = 0, total = 0;
    for (let t = 0; t < 2000; t++) {
      const neg = bceNegatives(rng, inputs, targets, { ...o, historyRate: 0.3 }, () => undefined);
      for (const k of [3, 4]) {
        total++;
        if (inputs.subarray(2, k + 1).includes(neg[k])) fromHistory++;
      }
    }
    // 0.3 by the history draw plus ≈ 2.5/49 uniform draws that land in the prefix by chance
    expect(fromHistory / total).toBeGreaterThan(0.3);
    expect(fromHistory / total).toBeLessThan(0.4);
    // a repeat: the only item read equals the target, so the history draw has nothing and the sampler is used
    const rep = bceNegatives(new Rng(1), Int32Array.from([0, 7]), Int32Array.from([0, 7]), { numItems: 9, width: 2, historyRate: 1 }, () => undefined);
    expect(rep[1]).not.toBe(7);
    expect(rep[1]).toBeGreaterThan(0);
  });
});
