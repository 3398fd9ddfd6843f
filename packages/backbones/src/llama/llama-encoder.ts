import * as tf from '@tensorflow/tfjs-core';
import type { LlamaModel } from './llama-model';

/** Minimal tokenizer surface the encoder needs. */
export interface EncodingTokenizer {
  encode(text: string, opts?: { bos?: boolean; eos?: boolean }): number[];
}

/** Text encoder: mean-pooled last hidden state (padding masked), batched, cached by text. */
export class LlamaEncoder {
  private readonly cache = new Map<string, Float32Array>();
  /** Number of texts actually run through the model (cache misses). */
  computed = 0;

  constructor(
    private readonly model: LlamaModel,
    private readonly tokenizer: EncodingTokenizer,
    private readonly batchSize = 16,
    private readonly maxLen = 128,
  ) {}

  /** texts → [n, dim] (caller disposes). */
  encode(texts: string[]): tf.Tensor2D {
    const d = this.model.config.dim;
    const uncached = [...new Set(texts.filter((t) => !this.cache.has(t)))];
    for (let i = 0; i < uncached.length; i += this.batchSize) {
      const batch = uncached.slice(i, i + this.batchSize);
      const toks = batch.map((t) => this.tokenizer.encode(t, { bos: true }).slice(0, this.maxLen));
      const T = Math.max(...toks.map((t) => t.length));
      const ids = toks.map((t) => [...t, ...new Array(T - t.length).fill(0)]);
      const mask = toks.map((t) => Array.from({ length: T }, (_, j) => (j < t.length ? 1 : 0)));
      const pooled = tf.tidy(() => {
        const m = tf.tensor2d(mask);
        const h = this.model.hidden(tf.tensor2d(ids, undefined, 'int32'), { attentionMask: m });
        return tf.div(tf.sum(tf.mul(h, tf.expandDims(m, 2)), 1), tf.sum(m, 1, true));
      });
      const data = pooled.dataSync() as Float32Array;
      pooled.dispose();
      batch.forEach((t, j) => this.cache.set(t, data.slice(j * d, (j + 1) * d)));
      this.computed += batch.length;
    }
    const out = new Float32Array(texts.length * d);
    texts.forEach((t, i) => out.set(this.cache.get(t)!, i * d));
    return tf.tensor2d(out, [texts.length, d]);
  }
}
