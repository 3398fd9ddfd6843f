import * as tf from '@tensorflow/tfjs-core';
import { oneHotFloat, stopGradient } from './tensor-ops';
import type { Rng } from '@ed2/core';
import type { RqvaeConfig } from './configs';
import { squaredDistances } from './kmeans';
import { ResidualVqIndexer, type LevelOutput } from './residual-vq-indexer';
import { sinkhornReassign } from './sinkhorn';

export type RqvaeOptions = Omit<RqvaeConfig, 'seed'> & { readonly seed: number };

/**
 * The static residual-quantization VAE of TIGER / LC-Rec: nearest codeword per level, straight-through
 * decoder input z + sg(q − z), codebook loss ‖sg(r) − c‖² + β‖r − sg(c)‖² (β = 0.25), k-means init,
 * dead-code restart, and optionally a Sinkhorn re-assignment of colliding entities on the last level.
 * Its `probs` are one-hot (the choice is deterministic).
 */
export class RqvaeIndexer extends ResidualVqIndexer {
  readonly name = 'rqvae';

  constructor(private readonly config: RqvaeOptions) {
    super(config);
  }

  protected buildExtra(_rng: Rng): void {}

  protected extraVariables(): Record<string, tf.Variable> {
    return {};
  }

  protected quantize(r: tf.Tensor2D, level: number, _training: boolean, _rng: Rng): LevelOutput {
    const book = this.books[level] as tf.Tensor2D;
    const codes = tf.argMin(squaredDistances(r, book), 1) as tf.Tensor1D;
    const onehot = oneHotFloat(codes, this.codebookSize);
    return { chosen: tf.matMul(onehot, book), probs: onehot, codes };
  }

  protected decoderInput(z: tf.Tensor2D, q: tf.Tensor2D): tf.Tensor2D {
    return tf.add(z, stopGradient(tf.sub(q, z)));
  }

  protected override afterAssign(codes: Int32Array, lastInputs: tf.Tensor2D): Int32Array {
    if (!this.config.sinkhorn) return codes;
    return sinkhornReassign(codes, this.levels, lastInputs, this.books[this.levels - 1] as tf.Tensor2D, {
      epsilon: this.config.sinkhornEpsilon,
      iterations: this.config.sinkhornIters,
    });
  }
}
