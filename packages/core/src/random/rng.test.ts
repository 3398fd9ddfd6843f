import { describe, expect, it } from 'vitest';
import { Rng } from './rng';

describe('Rng', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    const a = new Rng(42), b = new Rng(42), c = new Rng(43);
    const sa = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(sa);
  });

  it('restores its exact state', () => {
    const a = new Rng('x');
    a.next();
    const s = a.state();
    const next = [a.next(), a.int(10), a.normal()];
    const b = new Rng(0);
    b.setState(s);
    expect([b.next(), b.int(10), b.normal()]).toEqual(next);
    expect(() => b.setState([1, 2, 3] as never)).toThrow(/four uint32/);
  });

  it('draws uniform ints, normals with the right moments, permutations and samples', () => {
    const r = new Rng(7);
    const counts = new Array(4).fill(0);
    for (let i = 0; i < 40000; i++) counts[r.int(4)]++;
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(400);
    let s = 0, s2 = 0;
    for (let i = 0; i < 20000; i++) { const v = r.normal(); s += v; s2 += v * v; }
    expect(Math.abs(s / 20000)).toBeLessThan(0.03);
    expect(Math.abs(s2 / 20000 - 1)).toBeLessThan(0.05);
    expect([...r.permutation(50)].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const smp = r.sample([...Array(100).keys()], 10);
    expect(new Set(smp).size).toBe(10);
    expect(r.fork('a').next()).toBe(new Rng(7).fork('a').next());
    expect(r.fork('a').next()).not.toBe(r.fork('b').next());
  });
});
