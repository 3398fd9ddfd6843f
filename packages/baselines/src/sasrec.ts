import * as tf from '@tensorflow/tfjs-core';
import type { EvalCase, Rng } from '@ed2/core';
import { layerNorm } from './layer-norm';
import { SequentialModel, type SequentialModelOptions } from './sequential-model';

export interface SasRecOptions extends SequentialModelOptions {
  readonly layers: number;
  readonly heads: number;
  readonly dropout: number;
  readonly norm: 'pre' | 'post';
}

/**
 * SASRec (Kang & McAuley 2018): item + learned positional embedding, `layers` blocks of causal
 * multi-head self-attention and a point-wise feed-forward net, tied output (item table).
 * Shapes: ids [batch, seq] → hidden [batch, seq, dim].
 */
export class SasRec extends SequentialModel {
  readonly name = 'sasrec';
  /** Additive causal mask [seq, seq]: 0 on and below the diagonal, −1e9 above (a constant). */
  private readonly causal: tf.Tensor2D;

  constructor(readonly config: SasRecOptions, rng: Rng) {
    super(config, rng);
    const { dim: d, maxLen, layers } = config;
    if (d % config.heads !== 0) throw new RangeError(`SasRec: dim ${d} is not divisible by heads ${config.heads}`);
    const w = (shape: number[]) => tf.truncatedNormal(shape, 0, 0.02, 'float32', rng.tfSeed());
    this.addVariable('position/embedding', w([maxLen, d]));
    for (let i = 0; i < layers; i++) {
      for (const n of ['q', 'k', 'v', 'o', 'ff1', 'ff2']) {
        this.addVariable(`block${i}/${n}/w`, tf.tidy(() => tf.mul(w([d, d]), 1 / 0.02 / Math.sqrt(d))));
        this.addVariable(`block${i}/${n}/b`, tf.zeros([d]));
      }
      for (const n of ['ln1', 'ln2']) {
        this.addVariable(`block${i}/${n}/g`, tf.ones([d]));
        this.addVariable(`block${i}/${n}/b`, tf.zeros([d]));
      }
    }
    this.addVariable('final/ln/g', tf.ones([d]));
    this.addVariable('final/ln/b', tf.zeros([d]));
    this.causal = tf.tidy(() => tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([maxLen, maxLen]), -1, 0)), -1e9)) as tf.Tensor2D;
  }

  hidden(ids: tf.Tensor2D, training: boolean, seed: number): tf.Tensor3D {
    return tf.tidy(() => {
      const { dim: d, heads, layers, dropout, norm } = this.config;
      const [b, l] = ids.shape;
      const hd = d / heads;
      const v = this.variables;
      let k = 0;
      const drop = (x: tf.Tensor) => (training && dropout > 0 ? tf.dropout(x, dropout, undefined, seed + k++) : x);
      const lin = (x: tf.Tensor, n: string) => tf.add(tf.matMul(x.reshape([-1, d]), v[`${n}/w`]).reshape(x.shape), v[`${n}/b`]);
      const ln = (x: tf.Tensor, n: string) => layerNorm(x, v[`${n}/g`], v[`${n}/b`]);
      const keep = tf.expandDims(tf.cast(tf.notEqual(ids, 0), 'float32'), 2);
      const pos = tf.slice(v['position/embedding'], [this.config.maxLen - l, 0], [l, d]);
      let x: tf.Tensor = tf.mul(drop(tf.add(tf.mul(this.embed(ids), Math.sqrt(d)), pos)), keep);
      // key padding mask [b, 1, 1, l] + causal [l, l]
      const mask = tf.add(tf.reshape(tf.mul(tf.sub(1, keep), -1e9), [b, 1, 1, l]), tf.slice(this.causal, [0, 0], [l, l]));
      const split = (t: tf.Tensor) => tf.transpose(t.reshape([b, l, heads, hd]), [0, 2, 1, 3]);
      for (let i = 0; i < layers; i++) {
        const p = `block${i}`;
        const q = norm === 'pre' ? ln(x, `${p}/ln1`) : x;
        const att = tf.softmax(tf.add(tf.div(tf.matMul(split(lin(q, `${p}/q`)), split(lin(x, `${p}/k`)), false, true), Math.sqrt(hd)), mask));
        const ctxv = tf.transpose(tf.matMul(drop(att), split(lin(x, `${p}/v`))), [0, 2, 1, 3]).reshape([b, l, d]);
        const a = drop(lin(ctxv, `${p}/o`));
        x = norm === 'pre' ? tf.add(q, a) : ln(tf.add(x, a), `${p}/ln1`);
        const f = (y: tf.Tensor) => drop(lin(drop(tf.relu(lin(y, `${p}/ff1`))), `${p}/ff2`));
        x = norm === 'pre' ? tf.add(x, f(ln(x, `${p}/ln2`))) : ln(tf.add(x, f(x)), `${p}/ln2`);
        x = tf.mul(x, keep);
      }
      return (norm === 'pre' ? ln(x, 'final/ln') : x) as tf.Tensor3D;
    });
  }

  /**
   * Scores need only the batch's longest (truncated) history: padding keys are masked and positions are counted
   * from the right, so the dropped all-padding columns change nothing (the evaluator batches by length).
   */
  protected override scoreWidth(cases: readonly EvalCase[]): number {
    return Math.max(1, Math.min(this.config.maxLen, cases.reduce((m, c) => Math.max(m, c.history.length), 0)));
  }

  override dispose(): void {
    this.causal.dispose();
    super.dispose();
  }
}
