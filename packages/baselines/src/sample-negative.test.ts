import { Rng } from '@ed2/core';
import { describe, expect, it } from 'vitest';
import { sampleNegative } from './sample-negative';

describe('sampleNegative', () => {
  it("'any' draws the user's own items but never the target; 'unseen' never draws a seen item", () => {
    const rng = new Rng(11);
    const seen = new Set([0, 1, 2, 3]);
    const any = Array.from({ length: 2000 }, () => sampleNegative(rng, 10, 2));
    expect(any).not.toContain(2);
    expect(any.filter((i) => seen.has(i)).length).toBeGreaterThan(500); // 3 of the 9 allowed items are seen
    expect(new Set(any).size).toBe(9);
    const unseen = Array.from({ length: 2000 }, () => sampleNegative(rng, 10, 2, seen));
    expect(unseen.some((i) => seen.has(i))).toBe(false);
    expect(new Set(unseen).size).toBe(6);
  });

  it('is seeded: the same rng state gives the same draws', () => {
    const a = new Rng(5), b = new Rng(5);
    expect(Array.from({ length: 50 }, () => sampleNegative(a, 100, 7))).toEqual(Array.from({ length: 50 }, () => sampleNegative(b, 100, 7)));
  });
});
