import * as tf from '@tensorflow/tfjs-core';
import { uniqueVarName } from '@ed2/backbones';
import type { Rng } from '@ed2/core';

/**
 * DARec's small collaborative-filtering model, trained jointly with the LLM: a one-block SASRec-style encoder
 * (item table, learned positions, causal single-head self-attention, feed-forward, layer norms). Its item table
 * rows are the CF item embeddings and its last hidden state is the CF user embedding. Written here (30 lines of
 * ops) rather than reusing `@ed2/baselines`' SASRec, which would add a package dependency to the generative
 * package; its loss is the same full softmax over all items. Shapes: ids [batch, maxLen] left-padded, item i at
 * id i + 1, 0 = padding.
 */
export class CfEncoder {
  readonly variables: Record<string, tf.Variable> = {};
  private readonly causal: tf.Tensor2D;

  constructor(readonly numItems: number, readonly dim: number, readonly maxLen: number, rng: Rng) {
    const w = (shape: number[], std = 0.02) => tf.truncatedNormal(shape, 0, std, 'float32', rng.tfSeed());
    const add = (name: string, t: tf.Tensor) => {
      this.variables[name] = tf.variable(t, true, uniqueVarName(`darec/cf/${name}`));
      t.dispose();
    };
    add('item', tf.tidy(() => tf.concat([tf.zeros([1, dim]), w([numItems, dim])])));
    add('position', w([maxLen, dim]));
    for (const n of ['q', 'k', 'v', 'o', 'ff1', 'ff2']) add(`${n}/w`, w([dim, dim], 1 / Math.sqrt(dim)));
    for (const n of ['ff1', 'ff2']) add(`${n}/b`, tf.zeros([dim]));
    for (const n of ['ln1', 'ln2', 'lnf']) {
      add(`${n}/g`, tf.ones([dim]));
      add(`${n}/b`, tf.zeros([dim]));
    }
    this.causal = tf.tidy(() => tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([maxLen, maxLen]), -1, 0)), -1e9)) as tf.Tensor2D;
  }

  /** CF item embeddings `[numItems, dim]` (padding row dropped), inside the caller's tape. */
  items(): tf.Tensor2D {
    return tf.slice(this.variables.item as tf.Tensor2D, [1, 0], [this.numItems, this.dim]);
  }

  /** Left-padded id rows (item + 1, 0 = padding) of the last `maxLen` items of each history. */
  ids(histories: readonly (readonly number[])[]): number[][] {
    return histories.map((h) => {
      const tail = h.slice(-this.maxLen).map((i) => i + 1);
      return [...new Array<number>(this.maxLen - tail.length).fill(0), ...tail];
    });
  }

  /** CF user embeddings `[batch, dim]`: the last position's state of each history, inside the caller's tape. */
  users(histories: readonly (readonly number[])[]): tf.Tensor2D {
    return tf.tidy(() => {
      const v = this.variables;
      const d = this.dim;
      const L = this.maxLen;
      const b = histories.length;
      const ids = tf.tensor2d(this.ids(histories), [b, L], 'int32');
      const keep = tf.expandDims(tf.cast(tf.notEqual(ids, 0), 'float32'), 2);
      const ln = (x: tf.Tensor, n: string) => {
        const mean = tf.mean(x, -1, true);
        const c = tf.sub(x, mean);
        return tf.add(tf.mul(tf.div(c, tf.sqrt(tf.add(tf.mean(tf.square(c), -1, true), 1e-6))), v[`${n}/g`]), v[`${n}/b`]);
      };
      const lin = (x: tf.Tensor, n: string) => tf.reshape(tf.matMul(tf.reshape(x, [-1, d]), v[`${n}/w`]), [b, L, d]);
      // one-hot · table: a dense gradient, like the LLaMA embedding (the cpu gather gradient is slow)
      const emb = tf.reshape(tf.matMul(tf.oneHot(tf.reshape(ids, [-1]), this.numItems + 1), v.item), [b, L, d]);
      let x: tf.Tensor = tf.mul(tf.add(tf.mul(emb, Math.sqrt(d)), v.position), keep);
      const q = ln(x, 'ln1');
      const mask = tf.add(tf.reshape(tf.mul(tf.sub(1, keep), -1e9), [b, 1, L]), this.causal);
      const att = tf.softmax(tf.add(tf.div(tf.matMul(lin(q, 'q'), lin(x, 'k'), false, true), Math.sqrt(d)), mask));
      x = tf.add(q, lin(tf.matMul(att, lin(x, 'v')), 'o'));
      const h = ln(x, 'ln2');
      const ff = tf.add(tf.reshape(tf.matMul(tf.relu(tf.add(tf.matMul(tf.reshape(h, [-1, d]), v['ff1/w']), v['ff1/b'])), v['ff2/w']), [b, L, d]), v['ff2/b']);
      x = ln(tf.add(x, ff), 'lnf');
      return tf.reshape(tf.slice(x, [0, L - 1, 0], [b, 1, d]), [b, d]) as tf.Tensor2D;
    });
  }

  dispose(): void {
    this.causal.dispose();
    for (const v of Object.values(this.variables)) v.dispose();
  }
}
