import * as tf from '@tensorflow/tfjs-core';
import { oneHotFloat, safeRowNorm, stopGradient } from './tensor-ops';
import type { Rng } from '@ed2/core';
import type { HvqaeConfig } from './configs';
import { namedVariable } from './dense';
import { squaredDistances } from './kmeans';
import { ResidualVqIndexer, type LevelOutput } from './residual-vq-indexer';
import { sampleVmf } from './vmf';

export type HvqaeOptions = Omit<HvqaeConfig, 'seed'> & { readonly seed: number };

/** softplus⁻¹(y) = log(eʸ − 1). */
function softplusInverse(y: number): number {
  return y > 20 ? y : Math.log(Math.expm1(y));
}

/**
 * ED²'s hierarchical variational quantizer (one branch). Level m: the residual X_m gives a mean
 * direction μ_m = X_m/‖X_m‖ and a concentration κ_m = κ_min + softplus(X_m·w_m + b_m); training draws
 * X_ω = ‖X_m‖·ω, ω ~ vMF(μ_m, κ_m·s) (Wood's sampler; s = vmfScale, default D), and picks the code from
 * softmax(−κ_m · (d_j − min d) / (mean d − min d)) over d_j = ‖X_ω − C_m[j]‖² with a straight-through Gumbel-softmax (hard one-hot forward,
 * soft gradient), so the gradient reaches the encoder, κ and the codebook; inference takes the argmin.
 * The decoder input is q + z − sg(z): the forward value is the quantized sum q, and the reconstruction
 * gradient reaches both the codewords (through q) and the encoder output z directly.
 */
export class HvqaeIndexer extends ResidualVqIndexer {
  readonly name = 'hvqae';
  private kappaW: tf.Variable[] = [];
  private kappaB: tf.Variable[] = [];

  constructor(private readonly config: HvqaeOptions) {
    super(config);
  }

  protected buildExtra(_rng: Rng): void {
    const b0 = softplusInverse(this.config.kappaInit);
    this.kappaW = [];
    this.kappaB = [];
    for (let m = 0; m < this.levels; m++) {
      this.kappaW.push(namedVariable(tf.zeros([this.codeDim, 1]), `hvqae/${this.kind}/kappa_w${m}`));
      this.kappaB.push(namedVariable(tf.fill([1], b0), `hvqae/${this.kind}/kappa_b${m}`));
    }
  }

  protected extraVariables(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    this.kappaW.forEach((w, m) => (out[`kappa${m}/w`] = w));
    this.kappaB.forEach((b, m) => (out[`kappa${m}/b`] = b));
    return out;
  }

  /** κ [n, 1] of level m for residuals r [n, D]. */
  kappa(r: tf.Tensor2D, level: number): tf.Tensor2D {
    return tf.tidy(() => tf.add(this.config.kappaMin, tf.softplus(tf.add(tf.matMul(r, this.kappaW[level] as tf.Tensor2D), this.kappaB[level]))) as tf.Tensor2D);
  }

  protected quantize(r: tf.Tensor2D, level: number, training: boolean, rng: Rng): LevelOutput {
    const [n] = r.shape;
    const book = this.books[level] as tf.Tensor2D;
    const kappa = this.kappa(r, level);
    let latent = r;
    if (training) {
      const norm = safeRowNorm(r);
      const scale = this.config.vmfScale ?? this.codeDim;
      const omega = sampleVmf(tf.div(r, norm) as tf.Tensor2D, Array.from(kappa.dataSync(), (k) => k * scale), rng);
      latent = tf.mul(norm, omega) as tf.Tensor2D;
    }
    const d = squaredDistances(latent, book);
    // Scale-free distances: the nearest codeword at 0, the average one at 1 (softmax ignores the shift).
    const dMin = stopGradient(tf.min(d, 1, true));
    const dn = tf.div(tf.sub(d, dMin), stopGradient(tf.add(tf.sub(tf.mean(d, 1, true), dMin), 1e-8)));
    const logits = tf.neg(tf.mul(kappa, dn)) as tf.Tensor2D;
    const probs = tf.softmax(logits);
    let scores: tf.Tensor2D = logits;
    let soft = probs;
    if (training && this.config.gumbel) {
      const u = tf.randomUniform([n, this.codebookSize], 1e-6, 1 - 1e-6, 'float32', rng.tfSeed());
      scores = tf.sub(logits, tf.log(tf.neg(tf.log(u)))) as tf.Tensor2D;
      soft = tf.softmax(tf.div(scores, this.config.gumbelTemperature)) as tf.Tensor2D;
    }
    const codes = tf.argMax(scores, 1) as tf.Tensor1D;
    const hard = oneHotFloat(codes, this.codebookSize);
    const y = training ? tf.add(hard, tf.sub(soft, stopGradient(soft))) : hard;
    return { chosen: tf.matMul(y, book), probs, codes };
  }

  protected decoderInput(z: tf.Tensor2D, q: tf.Tensor2D): tf.Tensor2D {
    return tf.add(q, tf.sub(z, stopGradient(z)));
  }
}
