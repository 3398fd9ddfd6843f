/**
 * Seeded random number generator (sfc32: small, fast, passes PractRand to 2^50+).
 * Hand-written rather than taken from a package because checkpoints must save and restore the exact
 * generator state (`state()` / `setState()`), and child streams must be derived by label (`fork`),
 * which the maintained npm generators do not offer together in CommonJS.
 */
export type RngState = readonly [number, number, number, number];

function hashString(s: string): number {
  // FNV-1a 32-bit
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function splitmix32(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Rng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;
  private spareNormal: number | undefined;

  constructor(readonly seed: number | string = 0) {
    const s = typeof seed === 'string' ? hashString(seed) : seed >>> 0;
    const sm = splitmix32(s);
    this.a = sm();
    this.b = sm();
    this.c = sm();
    this.d = sm();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** Next unsigned 32-bit integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!(n > 0)) throw new RangeError(`Rng.int: n must be > 0, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /** Uniform float in [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.next();
  }

  /** Standard normal (Box–Muller, caches the spare value). */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== undefined) {
      const v = this.spareNormal;
      this.spareNormal = undefined;
      return mean + std * v;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /** A 31-bit seed for tfjs random ops (`tf.randomNormal(shape, 0, 1, 'float32', rng.tfSeed())`). */
  tfSeed(): number {
    return this.nextUint32() >>> 1;
  }

  /** In-place Fisher–Yates shuffle; returns the array. */
  shuffle<T>(arr: T[]): T[] {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = arr[i];
      arr[i] = arr[j];
      arr[j] = t;
    }
    return arr;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** One element chosen uniformly. */
  choice<T>(arr: readonly T[]): T {
    if (arr.length === 0) throw new RangeError('Rng.choice: empty array');
    return arr[this.int(arr.length)];
  }

  /** k distinct elements (order random); k is capped at arr.length. */
  sample<T>(arr: readonly T[], k: number): T[] {
    const n = arr.length;
    const m = Math.min(k, n);
    if (m * 4 < n) {
      const seen = new Set<number>();
      const out: T[] = [];
      while (out.length < m) {
        const i = this.int(n);
        if (!seen.has(i)) {
          seen.add(i);
          out.push(arr[i]);
        }
      }
      return out;
    }
    return this.shuffle([...arr]).slice(0, m);
  }

  /** A child generator whose stream depends only on this generator's seed and `label`. */
  fork(label: string): Rng {
    return new Rng(`${String(this.seed)}/${label}`);
  }

  /** The exact generator state, for checkpoints. */
  state(): RngState {
    return [this.a, this.b, this.c, this.d];
  }

  setState(s: RngState): void {
    if (s.length !== 4 || s.some((x) => !Number.isInteger(x) || x < 0 || x > 0xffffffff)) {
      throw new RangeError(`Rng.setState: expected four uint32 values, got ${JSON.stringify(s)}`);
    }
    [this.a, this.b, this.c, this.d] = s;
    this.spareNormal = undefined;
  }
}
