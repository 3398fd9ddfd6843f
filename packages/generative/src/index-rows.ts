import * as tf from '@tensorflow/tfjs-core';
import { Rng, type Indexer, type IndexerKind, type IndexVocabulary } from '@ed2/core';
import { uniqueVarName } from '@ed2/backbones';

const varName = (n: string) => uniqueVarName(`generative/${n}`);

/**
 * The embedding provider of DESIGN §1.6b: the row of index token `<a_i>` (branch b, level m, code i) is
 * `C_{b,m}[i] · P_{b,m}` — the indexer's current codeword projected into the LLM width — plus a free residual
 * row; suffix tokens `<p_k>` have free rows only. The same rows serve the input embedding and the LM head, so
 * the LLM loss trains the codebooks and the projections, and a re-assignment of codes never changes a row.
 * `rows()` is pure and runs inside the caller's tape. Projections start so that rows have the scale of a
 * freshly initialised embedding (rms ≈ 0.02 per coordinate).
 */
export class IndexRows {
  readonly projections: Map<string, tf.Variable> = new Map();
  readonly residual: tf.Variable;

  constructor(
    readonly vocab: IndexVocabulary,
    private readonly indexers: ReadonlyMap<IndexerKind, Indexer>,
    readonly dim: number,
    rng: Rng,
    readonly freeResidual = true,
  ) {
    for (const b of vocab.blocks) {
      if (b.kind !== 'code') continue;
      const book = this.codebook(b.branch, b.level);
      const D = book.shape[1] as number;
      const rms = tf.tidy(() => Math.sqrt(tf.mean(tf.square(book)).dataSync()[0]) || 1);
      const std = 0.02 / (rms * Math.sqrt(D));
      const p0 = tf.randomNormal([D, dim], 0, std, 'float32', rng.tfSeed());
      this.projections.set(`${b.branch}/${b.level}`, tf.variable(p0, true, varName(`proj/${b.branch}/${b.level}`)));
      p0.dispose(); // the variable keeps the data
    }
    const init = tf.randomNormal([vocab.size, dim], 0, 0.02, 'float32', rng.tfSeed());
    this.residual = tf.variable(init, true, varName('residual'));
    init.dispose();
  }

  private codebook(branch: IndexerKind, level: number): tf.Variable {
    const ix = this.indexers.get(branch);
    const book = ix?.codebooks()[level];
    if (!book) throw new Error(`IndexRows: no codebook for ${branch} level ${level}`);
    return book;
  }

  /** [vocab.size, dim] rows, inside the caller's tape. */
  rows(): tf.Tensor2D {
    return tf.tidy(() => {
      const parts: tf.Tensor2D[] = [];
      for (const b of this.vocab.blocks) {
        if (b.kind === 'code') parts.push(tf.matMul(this.codebook(b.branch, b.level), this.projections.get(`${b.branch}/${b.level}`)!) as tf.Tensor2D);
        else if (b.size > 0) parts.push(tf.zeros([b.size, this.dim]));
      }
      const coded = tf.concat(parts, 0) as tf.Tensor2D;
      return (this.freeResidual ? tf.add(coded, this.residual) : coded) as tf.Tensor2D;
    });
  }

  /** Variables by logical name. */
  variables(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = { 'rows/residual': this.residual };
    for (const [k, v] of this.projections) out[`rows/proj/${k}`] = v;
    return out;
  }

  dispose(): void {
    this.residual.dispose();
    for (const v of this.projections.values()) v.dispose();
  }
}
