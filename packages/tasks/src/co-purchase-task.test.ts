import { associatedUsers } from '@ed2/core';
import { taskContract } from '@ed2/core/testing';
import { describe, expect, it } from 'vitest';
import { I, U, randomContext, tinyContext } from './__fixtures__/tiny-corpus';
import { CoPurchaseTask } from './co-purchase-task';

const prompt = (users: number[], item: number) => `Users ${users.map((u) => U[u]).join(', ')} all bought item ${I[item]}. Name another user who bought it too.`;

describe('co-purchase task', () => {
  const task = new CoPurchaseTask({ templates: ['co-purchase-1'] });

  it('writes item + other buyers → a buyer, from the training collection only', () => {
    // training buyers: A0 = {u0,u1,u2}, A1 = {u0,u1}, A2 = {u0,u2}, A4 = {u0,u2}; A3 = A5 = {u3} (too few).
    // u2 buys item 1 only in test, u0 buys 3 in valid and 5 in test: they must not count.
    const samples = task.samples(tinyContext('train'));
    expect(samples.map((s) => s.item)).toEqual([0, 1, 2, 4]);
    const two = (item: number, a: number, b: number) => [
      { prompt: prompt([a], item), response: U[b], user: b },
      { prompt: prompt([b], item), response: U[a], user: a },
    ];
    for (const [item, a, b] of [[1, 0, 1], [2, 0, 2], [4, 0, 2]]) {
      const s = samples.find((x) => x.item === item)!;
      expect(two(item, a, b)).toContainEqual({ prompt: s.prompt, response: s.response, user: s.user });
    }
    const s0 = samples.find((x) => x.item === 0)!;
    const others = [0, 1, 2].filter((u) => u !== s0.user);
    expect([prompt(others, 0), prompt([...others].reverse(), 0)]).toContain(s0.prompt);
    expect(s0.response).toBe(U[s0.user!]);
    expect(s0.meta).toEqual({ contextUsers: 2 });
  });

  it('never names a user whose interaction with the item is not a training interaction', () => {
    for (const seed of [1, 2, 3]) {
      const ctx = randomContext(seed);
      const a = associatedUsers(ctx.split);
      const samples = new CoPurchaseTask({ samplesPerItem: 3, maxUsers: 3 }).samples(ctx);
      expect(samples.length).toBeGreaterThan(0);
      for (const s of samples) {
        const buyers = new Set(a.get(s.item!)!);
        const named = ctx.index.user!.tokens.map((t, u) => [t.join(''), u] as const).filter(([t]) => s.prompt.includes(t) || s.response === t);
        expect(named.length).toBeGreaterThanOrEqual(2);
        for (const [, u] of named) {
          expect(buyers.has(u)).toBe(true);
          expect(ctx.split.train[u]).toContain(s.item);
        }
        expect(s.prompt).not.toContain(s.response);
        expect(s.meta?.contextUsers).toBe(Math.min(3, buyers.size - 1));
      }
    }
  });

  it('draws samplesPerItem samples per item, capped at maxUsers context users', () => {
    const samples = new CoPurchaseTask({ samplesPerItem: 4, maxUsers: 1 }).samples(tinyContext('train'));
    expect(samples).toHaveLength(16);
    expect(samples.every((s) => s.meta?.contextUsers === 1)).toBe(true);
  });

  it('refuses item-only models and makes no valid/test samples', () => {
    const ctx = tinyContext('train', { itemOnly: true });
    const req = task.requires(ctx.corpus, ctx.index);
    expect(req.ok).toBe(false);
    expect(!req.ok && req.reason).toMatch(/user index/);
    expect(task.samples(ctx)).toEqual([]);
    expect(task.samples(tinyContext('valid'))).toEqual([]);
    expect(task.samples(tinyContext('test'))).toEqual([]);
  });
});

taskContract('co-purchase', () => new CoPurchaseTask());
