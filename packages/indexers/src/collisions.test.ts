import { describe, expect, it } from 'vitest';
import { buildEntityIndex, countChanged, resolveCollisions } from './collisions';
import { computeIndexStats } from './index-stats';
import { indexVocabulary, parseLevelToken } from './token-naming';

// 6 entities × 2 levels: entities 0, 2, 5 share (1, 2); 1 and 4 share (0, 3); 3 is alone.
const codes = Int32Array.from([1, 2, 0, 3, 1, 2, 2, 2, 0, 3, 1, 2]);

describe('collisions', () => {
  it('suffixes every member of a collision set with its rank; unique tuples get none', () => {
    const { suffix, maxSet, distinct } = resolveCollisions(codes, 2, 1);
    expect(distinct).toBe(3);
    expect(maxSet).toBe(3);
    expect(suffix[3]).toBe(-1);
    expect([suffix[0], suffix[2], suffix[5]].sort()).toEqual([0, 1, 2]);
    expect([suffix[1], suffix[4]].sort()).toEqual([0, 1]);
  });

  it('is deterministic given the seed and resolves to zero duplicates', () => {
    const opts = { kind: 'item' as const, prefix: '', levels: 2, codebookSize: 4, seed: 7, suffixTokens: 2 };
    const a = buildEntityIndex(codes, opts);
    expect(buildEntityIndex(codes, opts).tokens).toEqual(a.tokens);
    const texts = a.tokens.map((t) => t.join(''));
    expect(new Set(texts).size).toBe(6);
    expect(a.tokens[3]).toEqual(['<a_2>', '<b_2>']);
    expect(a.vocabulary).toContain('<p_2>'); // grown to the largest set
    const seeds = new Set(Array.from({ length: 8 }, (_, s) => buildEntityIndex(codes, { ...opts, seed: s }).tokens[0].join('')));
    expect(seeds.size).toBeGreaterThan(1);
  });

  it('user tokens use a disjoint prefix', () => {
    const items = indexVocabulary('', 2, 4, 1);
    const users = indexVocabulary('u_', 2, 4, 1);
    expect(items.length).toBe(9);
    expect(users.filter((t) => items.includes(t))).toEqual([]);
    expect(parseLevelToken('<u_b_3>', 'u_')).toEqual({ level: 1, code: 3 });
    expect(parseLevelToken('<u_b_3>', '')).toBeUndefined();
  });

  it('counts entities whose index changed', () => {
    const next = Int32Array.from(codes);
    next[1] = 3;
    next[10] = 0;
    expect(countChanged(codes, next, 2)).toBe(2);
  });
});

describe('index statistics', () => {
  it('collision rate, usage, perplexity and first-token purity', () => {
    const s = computeIndexStats(codes, 2, 4, ['x', 'y', 'x', 'z', 'y', 'w']);
    expect(s.collisionRate).toBeCloseTo(1 - 3 / 6);
    expect(s.collidingFraction).toBeCloseTo(5 / 6);
    expect(s.maxCollisionSet).toBe(3);
    expect(s.usage).toEqual([3 / 4, 2 / 4]); // level 1 uses {0,1,2}; level 2 uses {2,3}
    // level 1 counts: code1 ×3, code0 ×2, code2 ×1
    const h = -(3 / 6) * Math.log(3 / 6) - (2 / 6) * Math.log(2 / 6) - (1 / 6) * Math.log(1 / 6);
    expect(s.perplexity[0]).toBeCloseTo(Math.exp(h));
    // first token 1: {x, x, w} → 2; 0: {y, y} → 2; 2: {z} → 1 → 5/6
    expect(s.firstTokenPurity).toBeCloseTo(5 / 6);
    // no entity with a category: no purity at all (not 0)
    expect(computeIndexStats(codes, 2, 4, new Array<string | undefined>(6).fill(undefined))).not.toHaveProperty('firstTokenPurity');
  });
});
