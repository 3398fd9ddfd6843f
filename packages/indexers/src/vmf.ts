import * as tf from '@tensorflow/tfjs-core';
import { RecError, type Rng } from '@ed2/core';
import { safeRowNorm } from './tensor-ops';

/** Gamma(shape, 1) by Marsaglia & Tsang (2000); shape ≥ 1 here (shape < 1 via the boost u^(1/shape)). */
export function sampleGamma(shape: number, rng: Rng): number {
  if (shape < 1) return sampleGamma(shape + 1, rng) * Math.pow(1 - rng.next(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.next();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(a, b) from two gammas. */
export function sampleBeta(a: number, b: number, rng: Rng): number {
  const x = sampleGamma(a, rng);
  const y = sampleGamma(b, rng);
  return x / (x + y);
}

/**
 * The cosine w = μᵀω of a vMF(μ, κ) sample on the unit sphere S^{dim−1}, by Wood's (1994) rejection
 * sampler (numerically stable form of b). κ = 0 gives the uniform sphere's marginal.
 */
export function sampleVmfCosine(kappa: number, dim: number, rng: Rng): number {
  if (!(kappa >= 0)) throw new RecError('E_INTERNAL', `vMF sampler: concentration κ must be a number ≥ 0, got ${kappa}`, { hint: 'Training diverged; lower the learning rate.' });
  const p1 = dim - 1;
  if (kappa > 1e12 || p1 === 0) return kappa > 1e12 || rng.next() < 0.5 ? 1 : -1;
  const b = p1 / (2 * kappa + Math.sqrt(4 * kappa * kappa + p1 * p1));
  const x0 = (1 - b) / (1 + b);
  const c = kappa * x0 + p1 * Math.log(1 - x0 * x0);
  for (;;) {
    const z = sampleBeta(p1 / 2, p1 / 2, rng);
    const w = (1 - (1 + b) * z) / (1 - (1 - b) * z);
    const u = 1 - rng.next();
    if (kappa * w + p1 * Math.log(1 - x0 * w) - c >= Math.log(u)) return w;
  }
}

/**
 * Reparameterised vMF samples around unit mean directions `mu` [n, D]: ω = w·μ + √(1−w²)·v with w from
 * Wood's sampler (one per row, for that row's κ) and v a random unit tangent direction (Gaussian noise
 * with its μ component removed). Gradients flow into μ (w and the noise are constants). Deterministic
 * given `rng`'s state. Returns [n, D] unit rows (caller disposes).
 */
export function sampleVmf(mu: tf.Tensor2D, kappa: ArrayLike<number>, rng: Rng): tf.Tensor2D {
  const [n, dim] = mu.shape;
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) w[i] = sampleVmfCosine(kappa[i], dim, rng);
  const noise = new Float32Array(n * dim);
  for (let i = 0; i < noise.length; i++) noise[i] = rng.normal();
  return tf.tidy(() => {
    const e = tf.tensor2d(noise, [n, dim]);
    const tangent = tf.sub(e, tf.mul(tf.sum(tf.mul(e, mu), 1, true), mu));
    const v = tf.div(tangent, safeRowNorm(tangent as tf.Tensor2D));
    const wt = tf.tensor2d(w, [n, 1]);
    return tf.add(tf.mul(wt, mu), tf.mul(tf.sqrt(tf.sub(1, tf.square(wt))), v)) as tf.Tensor2D;
  });
}
