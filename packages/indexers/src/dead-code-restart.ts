import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@ed2/core';

/**
 * Dead-code restart: remembers the last step each codeword was chosen and re-seeds codewords unused for
 * `after` steps from random rows of the current batch's residuals (plus a little noise), so codebooks do
 * not collapse onto a few codes.
 */
export class DeadCodeRestart {
  private readonly lastUsed: Int32Array[];

  constructor(levels: number, private readonly codebookSize: number, private readonly after: number) {
    this.lastUsed = Array.from({ length: levels }, () => new Int32Array(codebookSize));
  }

  /**
   * Records `codes` (row-major [n, levels]) used at `step`; re-seeds dead codewords of each level from
   * `inputs[m]` ([n, D] residual inputs of level m). Returns how many codewords were re-seeded.
   */
  update(step: number, codes: Int32Array, inputs: readonly tf.Tensor2D[], books: readonly tf.Variable[], rng: Rng): number {
    const levels = this.lastUsed.length;
    const n = codes.length / levels;
    for (let i = 0; i < n; i++) for (let m = 0; m < levels; m++) this.lastUsed[m][codes[i * levels + m]] = step;
    if (this.after <= 0) return 0;
    let restarted = 0;
    for (let m = 0; m < levels; m++) {
      const dead: number[] = [];
      for (let k = 0; k < this.codebookSize; k++) if (step - this.lastUsed[m][k] >= this.after) dead.push(k);
      if (dead.length === 0) continue;
      const rows = Int32Array.from(dead, () => rng.int(n));
      // Host-side row replacement (small: N×D), so it works on every backend.
      const [dim] = books[m].shape.slice(1);
      const picked = tf.tidy(() => tf.gather(inputs[m], rows).dataSync() as Float32Array);
      let ms = 0;
      for (const v of picked) ms += v * v;
      const noise = 0.01 * Math.sqrt(ms / Math.max(1, picked.length));
      const book = books[m].dataSync().slice() as Float32Array;
      dead.forEach((k, j) => {
        for (let c = 0; c < dim; c++) book[k * dim + c] = picked[j * dim + c] + noise * rng.normal();
      });
      tf.tidy(() => books[m].assign(tf.tensor2d(book, books[m].shape as [number, number])));
      for (const k of dead) this.lastUsed[m][k] = step;
      restarted += dead.length;
    }
    return restarted;
  }
}
