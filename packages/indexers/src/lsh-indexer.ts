import * as tf from '@tensorflow/tfjs-core';
import { RecError, Rng } from '@ed2/core';
import type { LshConfig } from './configs';
import { FrozenIndexer } from './frozen-indexer';

export type LshOptions = Omit<LshConfig, 'seed'> & { readonly seed: number };

/**
 * Random-hyperplane LSH: level m's token is Σ_i 2^i·[φ_{m,i}ᵀx > 0] over h seeded Gaussian hyperplanes
 * φ (N = 2^h). `static` hashes at fit and keeps those codes; `dynamic` re-hashes whatever
 * (refreshed) representations `assign` / `losses` receive.
 */
export class LshIndexer extends FrozenIndexer {
  readonly name = 'lsh';
  readonly bits: number;
  readonly mode: 'static' | 'dynamic';
  private planes: Float32Array[] | undefined;
  private inputDim: number | undefined;

  constructor(o: LshOptions) {
    super({ ...o, codebookSize: 2 ** o.bits });
    this.bits = o.bits;
    this.mode = o.mode;
  }

  /** Re-assignment follows refreshed features only in dynamic mode (static keeps the codes hashed at fit). */
  get usesFeatures(): boolean {
    return this.mode === 'dynamic';
  }

  /** The hyperplanes of level m, row-major [inputDim, bits] (column i = φ_{m,i}). */
  hyperplanes(level: number): Float32Array {
    if (!this.planes) throw new RecError('E_CONFIG', 'lsh: no hyperplanes yet', { hint: 'Call fit(x) first.' });
    return this.planes[level];
  }

  private build(inputDim: number): void {
    if (this.inputDim !== undefined) {
      if (inputDim !== this.inputDim) throw new RecError('E_SHAPE', `lsh: input has ${inputDim} columns, hyperplanes were drawn for ${this.inputDim}`);
      return;
    }
    const rng = new Rng(this.seed).fork(`${this.kind}/lsh-planes`);
    this.planes = Array.from({ length: this.levels }, () => Float32Array.from({ length: inputDim * this.bits }, () => rng.normal()));
    this.inputDim = inputDim;
  }

  /** Hashes the rows of x: row-major [n, M] codes. */
  hash(x: tf.Tensor2D): Int32Array {
    this.build(x.shape[1]);
    const n = x.shape[0];
    const weights = tf.tensor2d(Float32Array.from({ length: this.bits }, (_, i) => 2 ** i), [this.bits, 1]);
    const out = tf.tidy(() => {
      const parts = this.planes!.map((p) => {
        const proj = tf.matMul(x, tf.tensor2d(p, [this.inputDim!, this.bits]));
        return tf.matMul(tf.cast(tf.greater(proj, 0), 'float32'), weights);
      });
      return tf.cast(tf.concat(parts, 1), 'int32');
    });
    const codes = out.dataSync() as Int32Array;
    tf.dispose([out, weights]);
    if (codes.length !== n * this.levels) throw new RecError('E_INTERNAL', 'lsh: hash shape mismatch');
    return Int32Array.from(codes);
  }

  protected codesFor(x: tf.Tensor2D, refresh: boolean): Int32Array {
    if (refresh || this.mode === 'dynamic' || !this.current || this.current.length !== x.shape[0] * this.levels) return this.hash(x);
    return this.current;
  }

  protected override extraTensors(): Record<string, tf.Tensor> {
    const out: Record<string, tf.Tensor> = {};
    this.planes?.forEach((p, m) => (out[`planes${m}`] = tf.tensor2d(p, [this.inputDim!, this.bits])));
    return out;
  }

  protected override restoreExtra(tensors: Record<string, tf.Tensor>): void {
    const p0 = tensors.planes0;
    if (!p0) return;
    this.inputDim = p0.shape[0];
    this.planes = Array.from({ length: this.levels }, (_, m) => Float32Array.from(tensors[`planes${m}`].dataSync()));
  }
}
