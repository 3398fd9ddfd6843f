import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@ed2/core';
import { SequentialModel, type SequentialModelOptions } from './sequential-model';

export interface Gru4RecOptions extends SequentialModelOptions {
  readonly hidden: number;
  readonly dropout: number;
}

/**
 * GRU4Rec with full-softmax CE: item embedding → dropout → GRU (fused gate matmuls, unrolled over the
 * sequence with tf ops) → projection to `dim` → scores against the item table.
 */
export class Gru4Rec extends SequentialModel {
  readonly name = 'gru4rec';

  constructor(readonly config: Gru4RecOptions, rng: Rng) {
    super(config, rng);
    const { dim: d, hidden: h } = config;
    const glorot = (i: number, o: number) => tf.truncatedNormal([i, o], 0, Math.sqrt(2 / (i + o)), 'float32', rng.tfSeed());
    this.addVariable('gru/wx', glorot(d, 3 * h)); // input → [reset, update, candidate]
    this.addVariable('gru/wh', glorot(h, 3 * h));
    this.addVariable('gru/bx', tf.zeros([3 * h]));
    this.addVariable('gru/bh', tf.zeros([3 * h]));
    this.addVariable('proj/w', glorot(h, d));
    this.addVariable('proj/b', tf.zeros([d]));
  }

  hidden(ids: tf.Tensor2D, training: boolean, seed: number): tf.Tensor3D {
    return tf.tidy(() => {
      const { dim: d, hidden: H, dropout } = this.config;
      const [b, l] = ids.shape;
      const v = this.variables;
      let e: tf.Tensor = this.embed(ids);
      if (training && dropout > 0) e = tf.dropout(e, dropout, undefined, seed);
      const xw = tf.add(tf.matMul(e.reshape([b * l, d]), v['gru/wx']), v['gru/bx']).reshape([b, l, 3 * H]);
      const steps = tf.unstack(xw, 1);
      let h: tf.Tensor2D = tf.zeros([b, H]);
      const outs: tf.Tensor2D[] = [];
      for (const xt of steps) {
        const hw = tf.add(tf.matMul(h, v['gru/wh']), v['gru/bh']);
        const [xr, xz, xn] = tf.split(xt, 3, 1);
        const [hr, hz, hn] = tf.split(hw, 3, 1);
        const r = tf.sigmoid(tf.add(xr, hr));
        const z = tf.sigmoid(tf.add(xz, hz));
        const c = tf.tanh(tf.add(xn, tf.mul(r, hn)));
        h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), c)) as tf.Tensor2D;
        outs.push(h);
      }
      let out: tf.Tensor = tf.stack(outs, 1).reshape([b * l, H]);
      if (training && dropout > 0) out = tf.dropout(out, dropout, undefined, seed + 1);
      return tf.add(tf.matMul(out, v['proj/w']), v['proj/b']).reshape([b, l, d]) as tf.Tensor3D;
    });
  }
}
