import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Rng } from '@ed2/core';
import { sampleVmf, sampleVmfCosine } from './vmf';

/** Mean resultant length A_p(κ) = I_{p/2}(κ)/I_{p/2−1}(κ); for p = 3 it is coth κ − 1/κ. */
const a3 = (k: number) => 1 / Math.tanh(k) - 1 / k;

describe('vMF sampling (Wood 1994)', () => {
  it('the mean cosine matches A_3(κ) on S²', () => {
    for (const kappa of [1, 5, 50]) {
      const rng = new Rng(kappa);
      let mean = 0;
      const n = 4000;
      for (let i = 0; i < n; i++) mean += sampleVmfCosine(kappa, 3, rng) / n;
      expect(Math.abs(mean - a3(kappa))).toBeLessThan(0.02);
    }
  });

  it('samples are unit vectors, concentrate with κ and are deterministic given the seed', () => {
    const mu = tf.tensor2d([[1, 0, 0, 0], [0, 1, 0, 0]]) as tf.Tensor2D;
    const dots = (kappa: number, seed: number) =>
      tf.tidy(() => {
        const s = sampleVmf(mu, [kappa, kappa], new Rng(seed));
        return { norms: Array.from(tf.norm(s, 'euclidean', 1).dataSync()), cos: Array.from(tf.sum(tf.mul(s, mu), 1).dataSync()), raw: Array.from(s.dataSync()) };
      });
    const lo = dots(1, 3);
    const hi = dots(1000, 3);
    for (const v of [...lo.norms, ...hi.norms]) expect(v).toBeCloseTo(1, 5);
    expect(Math.min(...hi.cos)).toBeGreaterThan(0.99);
    expect(Math.min(...hi.cos)).toBeGreaterThan(Math.max(...lo.cos.map((c) => Math.min(c, 0.99))) - 1e-9);
    expect(dots(1, 3).raw).toEqual(lo.raw);
    mu.dispose();
  });
});
