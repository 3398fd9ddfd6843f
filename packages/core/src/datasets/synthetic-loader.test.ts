import { describe, expect, it } from 'vitest';
import type { Corpus } from '../domain/corpus';
import { leaveOneOut } from '../data/leave-one-out';
import { datasetContract } from '../testing/dataset-contract';
import { syntheticConfigSchema, SyntheticLoader } from './synthetic-loader';

const make = (config: Record<string, unknown> = {}) => new SyntheticLoader(syntheticConfigSchema.parse(config));

datasetContract('synthetic (defaults)', () => make(), { expect: { users: 2000, items: 1000 } });
datasetContract('synthetic (small, 30 categories, k-core 3)', () => make({ numUsers: 150, numItems: 90, numCategories: 30, seed: 3, kCore: 3 }));

/** HR@10 on the test cases of a first-order Markov chain (training transitions, popularity fill) and of popularity. */
function markovVsPopularity(corpus: Corpus): { markov: number; popularity: number } {
  const split = leaveOneOut(corpus);
  const n = corpus.items.length;
  const pop = new Float64Array(n);
  const trans = new Map<number, Map<number, number>>();
  for (const s of split.train) {
    s.forEach((i, k) => {
      pop[i]!++;
      if (k === 0) return;
      const row = trans.get(s[k - 1]!) ?? new Map<number, number>();
      row.set(i, (row.get(i) ?? 0) + 1);
      trans.set(s[k - 1]!, row);
    });
  }
  const popTop = [...pop.keys()].sort((a, b) => pop[b]! - pop[a]! || a - b).slice(0, 10);
  let hitM = 0;
  let hitP = 0;
  for (const c of split.test) {
    const row = [...(trans.get(c.history[c.history.length - 1]!) ?? new Map()).entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map((e) => e[0]);
    const top = [...new Set([...row, ...popTop])].slice(0, 10);
    if (top.includes(c.target)) hitM++;
    if (popTop.includes(c.target)) hitP++;
  }
  return { markov: hitM / split.test.length, popularity: hitP / split.test.length };
}

describe('synthetic generator', () => {
  it('generates the default size', async () => {
    const c = await make().load();
    expect(c.users).toHaveLength(2000);
    expect(c.items).toHaveLength(1000);
  });

  it('is seeded: same seed same corpus, other seed other corpus', async () => {
    const a = await make({ seed: 5, numUsers: 50, numItems: 40 }).load();
    const b = await make({ seed: 5, numUsers: 50, numItems: 40 }).load();
    const c = await make({ seed: 6, numUsers: 50, numItems: 40 }).load();
    expect(b).toEqual(a);
    expect(c.sequences).not.toEqual(a.sequences);
  });

  it('next-item prediction is learnable: a first-order Markov chain beats popularity by far', async () => {
    const { markov, popularity } = markovVsPopularity(await make().load());
    expect(markov).toBeGreaterThan(3 * popularity);
    expect(markov).toBeGreaterThan(0.3);
  });

  it('item text carries the category; users have profiles; reviews and queries on a fraction of interactions', async () => {
    const c = await make({ numUsers: 400 }).load();
    for (const item of c.items.slice(0, 50)) {
      const category = item.categories![1]!.toLowerCase();
      expect(item.description!.toLowerCase()).toContain(category);
      expect(item.title).toContain(item.brand!);
    }
    expect(new Set(c.items.map((i) => i.categories![1])).size).toBe(12);
    expect(c.users.every((u) => (u.profile ?? '').startsWith('Mostly shops for'))).toBe(true);
    const interactions = c.sequences.reduce((s, q) => s + q.length, 0);
    const reviews = c.reviews!;
    expect(reviews.length / interactions).toBeGreaterThan(0.25);
    expect(reviews.length / interactions).toBeLessThan(0.35);
    const withQuery = reviews.filter((r) => r.query).length / reviews.length;
    expect(withQuery).toBeGreaterThan(0.2);
    expect(withQuery).toBeLessThan(0.4);
    // A review names its item's noun (the last category entry) and is written at the interaction time.
    for (const r of reviews.slice(0, 100)) {
      expect(r.text).toContain(c.items[r.item]!.categories![2]!);
      const k = c.sequences[r.user]!.indexOf(r.item);
      expect(c.timestamps![r.user]!).toContain(r.time);
      expect(k).toBeGreaterThanOrEqual(0);
    }
  });

  it('sequence lengths stay within [minLength, maxLength]; more categories than word banks get numbered names', async () => {
    const c = await make({ numUsers: 100, numItems: 60, numCategories: 20, minLength: 4, maxLength: 9 }).load();
    const lens = c.sequences.map((s) => s.length);
    expect(Math.min(...lens)).toBeGreaterThanOrEqual(4);
    expect(Math.max(...lens)).toBeLessThanOrEqual(9);
    expect(new Set(c.items.map((i) => i.categories![1])).size).toBe(20);
  });

  it('rejects inconsistent options', () => {
    expect(syntheticConfigSchema.safeParse({ minLength: 10, maxLength: 5 }).success).toBe(false);
    expect(syntheticConfigSchema.safeParse({ chainProbability: 0.8, stayProbability: 0.5 }).success).toBe(false);
    expect(syntheticConfigSchema.safeParse({ numUser: 3 }).success).toBe(false);
  });
});
