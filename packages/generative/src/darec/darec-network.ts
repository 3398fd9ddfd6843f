import * as tf from '@tensorflow/tfjs-core';
import { Rng, softmaxCrossEntropyRows } from '@ed2/core';
import { uniqueVarName, type LlamaModel } from '@ed2/backbones';
import { CfEncoder } from './cf-encoder';
import { contextMask } from './context-mask';
import type { DarecPrompt } from './darec-prompts';

export interface DarecNetworkOptions {
  readonly numItems: number;
  readonly cfDim: number;
  readonly cfMaxLen: number;
  readonly injectUser: boolean;
  readonly injectItem: boolean;
  readonly contextMask: boolean;
}

/** One step's data: next-item samples (with their hard negatives) and items to align with their text. */
export interface DarecBatch {
  readonly next: readonly { readonly prompt: DarecPrompt; readonly history: readonly number[]; readonly target: number; readonly negatives: readonly number[] }[];
  readonly align: readonly { readonly prompt: DarecPrompt; readonly item: number }[];
}

export interface DarecLossWeights {
  readonly align: number;
  readonly hard: number;
  readonly cf: number;
}

/**
 * DARec's trainable parts around the LLaMA decoder: the item table (one added token per item, rows = learned
 * table + projected CF item embedding), the CF model and its projections (CF user state → the user token of the prompt),
 * and the item head that maps the last hidden state to logits over ALL items through the same item rows.
 */
export class DarecNetwork {
  readonly cf: CfEncoder;
  private readonly own: Record<string, tf.Variable> = {};

  constructor(readonly llm: LlamaModel, readonly o: DarecNetworkOptions, rng: Rng) {
    const d = llm.config.dim;
    const add = (name: string, t: tf.Tensor) => {
      this.own[name] = tf.variable(t, true, uniqueVarName(`darec/${name}`));
      t.dispose();
    };
    add('item', tf.randomNormal([o.numItems, d], 0, 0.02, 'float32', rng.fork('item').tfSeed()));
    add('head', tf.eye(d));
    add('proj/item', tf.randomNormal([o.cfDim, d], 0, 1 / Math.sqrt(o.cfDim), 'float32', rng.fork('proj/item').tfSeed()));
    add('proj/user', tf.randomNormal([o.cfDim, d], 0, 1 / Math.sqrt(o.cfDim), 'float32', rng.fork('proj/user').tfSeed()));
    this.cf = new CfEncoder(o.numItems, o.cfDim, o.cfMaxLen, rng.fork('cf'));
  }

  /** DARec's own variables (item table, head, projections, CF model) by logical name. */
  variables(): Record<string, tf.Variable> {
    return { ...this.own, ...Object.fromEntries(Object.entries(this.cf.variables).map(([k, v]) => [`cf/${k}`, v])) };
  }

  /** Item-token rows `[numItems, dim]`: the table plus (injection) the projected CF item embeddings. */
  itemRows(): tf.Tensor2D {
    return tf.tidy(() => (this.o.injectItem ? tf.add(this.own.item, tf.matMul(this.cf.items(), this.own['proj/item'])) : tf.clone(this.own.item)) as tf.Tensor2D);
  }

  /** Last-position hidden states `[batch, dim]` of the prompts; `users` (CF user states) fill the user-token rows. */
  lastHidden(prompts: readonly DarecPrompt[], rows: tf.Tensor2D, users: tf.Tensor2D | undefined, training: boolean): tf.Tensor2D {
    return tf.tidy(() => {
      const b = prompts.length;
      const width = Math.max(...prompts.map((p) => p.ids.length));
      const lengths = prompts.map((p) => p.ids.length);
      const ids = tf.tensor2d(prompts.map((p) => [...p.ids, ...new Array<number>(width - p.ids.length).fill(0)]), [b, width], 'int32');
      const all = users ? tf.concat([rows, tf.matMul(users, this.own['proj/user'])]) : rows;
      const mask = this.o.contextMask ? tf.tensor3d(contextMask(prompts.map((p) => p.spans), lengths, width), [b, width, width]) : undefined;
      const h = this.llm.hidden(ids, { rows: all as tf.Tensor2D, training, ...(mask ? { attentionMask: mask } : {}) });
      const pick = tf.oneHot(tf.tensor1d(lengths.map((n, i) => i * width + n - 1), 'int32'), b * width);
      return tf.matMul(tf.cast(pick, 'float32'), tf.reshape(h, [b * width, -1])) as tf.Tensor2D;
    });
  }

  /** Item head: `[batch, dim]` → logits over all items `[batch, numItems]`. */
  logits(h: tf.Tensor2D, rows: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.matMul(tf.matMul(h, this.own.head), rows, false, true) as tf.Tensor2D);
  }

  /** Scores of next-item prompts over all items `[batch, numItems]` (no gradient needed, caller disposes). */
  score(prompts: readonly DarecPrompt[], histories: readonly (readonly number[])[]): tf.Tensor2D {
    return tf.tidy(() => {
      const rows = this.itemRows();
      const users = this.o.injectUser ? this.cf.users(histories) : undefined;
      return this.logits(this.lastHidden(prompts, rows, users, false), rows);
    });
  }

  /**
   * The coarse-grained adaption loss (inside the caller's tape): next-item CE over all items + `align`·(item text →
   * its item token, CE over all items) + `hard`·BPR of the target over its hard negatives + `cf`·the CF model's
   * own next-item CE. Returns the total and each term.
   */
  loss(batch: DarecBatch, w: DarecLossWeights): { total: tf.Scalar; terms: Record<string, tf.Scalar> } {
    const rows = this.itemRows();
    const histories = batch.next.map((s) => s.history);
    const users = this.o.injectUser || w.cf > 0 ? this.cf.users(histories) : undefined;
    const logits = this.logits(this.lastHidden(batch.next.map((s) => s.prompt), rows, this.o.injectUser ? users : undefined, true), rows);
    const targets = Int32Array.from(batch.next.map((s) => s.target));
    const terms: Record<string, tf.Scalar> = { next: tf.mean(softmaxCrossEntropyRows(logits, targets)) as tf.Scalar };
    let total: tf.Scalar = tf.mul(terms.next, 1);
    if (w.align > 0 && batch.align.length) {
      const al = this.logits(this.lastHidden(batch.align.map((a) => a.prompt), rows, undefined, true), rows);
      terms.align = tf.mean(softmaxCrossEntropyRows(al, Int32Array.from(batch.align.map((a) => a.item)))) as tf.Scalar;
      total = tf.add(total, tf.mul(terms.align, w.align));
    }
    const nNeg = batch.next.reduce((s, x) => s + x.negatives.length, 0);
    if (w.hard > 0 && nNeg > 0) {
      const [b, n] = logits.shape;
      const sel = new Float32Array(b * n);
      batch.next.forEach((s, i) => s.negatives.forEach((j) => (sel[i * n + j] += 1 / nNeg)));
      const pos = tf.sum(tf.mul(logits, tf.oneHot(tf.tensor1d(targets, 'int32'), n)), 1, true);
      terms.hard = tf.sum(tf.mul(tf.softplus(tf.sub(logits, pos)), tf.tensor2d(sel, [b, n]))) as tf.Scalar;
      total = tf.add(total, tf.mul(terms.hard, w.hard));
    }
    if (w.cf > 0 && users) {
      terms.cf = tf.mean(softmaxCrossEntropyRows(tf.matMul(users, this.cf.items(), false, true), targets)) as tf.Scalar;
      total = tf.add(total, tf.mul(terms.cf, w.cf));
    }
    return { total, terms };
  }

  parameterCount(): number {
    return Object.values(this.variables()).reduce((s, v) => s + v.size, 0);
  }

  dispose(): void {
    for (const v of Object.values(this.own)) v.dispose();
    this.cf.dispose();
  }
}
