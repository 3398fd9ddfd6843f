import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@ed2/core';
import { LlamaModel, KvCache } from '../llama/llama-model';

export interface SampleOptions {
  maxNewTokens: number;
  /** 0 = greedy. */
  temperature?: number;
  topK?: number;
  topP?: number;
  /** Stop at this token (included in the output). */
  eosId?: number;
  rng?: Rng;
}

/** Last-position log-probs [rows, vocab] as host arrays, after one incremental forward. */
export function stepLogProbs(model: LlamaModel, ids: number[][], cache: KvCache): Float32Array[] {
  const t = tf.tidy(() => {
    const logits = model.forward(tf.tensor2d(ids, undefined, 'int32'), { cache });
    const [b, s, v] = logits.shape;
    return tf.logSoftmax(tf.reshape(tf.slice(logits, [0, s - 1, 0], [b, 1, v]), [b, v]));
  });
  const data = t.dataSync() as Float32Array;
  const [b, v] = t.shape;
  t.dispose();
  return Array.from({ length: b }, (_, i) => data.subarray(i * v, (i + 1) * v));
}

function pick(logp: Float32Array, o: SampleOptions, rng: Rng): number {
  const temp = o.temperature ?? 0;
  if (temp <= 0) {
    let best = 0;
    for (let i = 1; i < logp.length; i++) if (logp[i] > logp[best]) best = i;
    return best;
  }
  let order = Array.from(logp.keys()).sort((a, b) => logp[b] - logp[a]);
  if (o.topK && o.topK > 0) order = order.slice(0, o.topK);
  const w = order.map((i) => Math.exp((logp[i] - logp[order[0]]) / temp));
  let total = w.reduce((a, b) => a + b, 0);
  if (o.topP && o.topP < 1) {
    let cum = 0;
    let keep = 0;
    while (keep < w.length && cum < o.topP * total) cum += w[keep++];
    order = order.slice(0, keep);
    w.length = keep;
    total = cum;
  }
  let r = rng.next() * total;
  for (let i = 0; i < order.length; i++) {
    r -= w[i];
    if (r <= 0) return order[i];
  }
  return order[order.length - 1];
}

/** Greedy or sampled continuation of one prompt with a KV cache; returns the new tokens only. */
export function generate(model: LlamaModel, prompt: number[], o: SampleOptions): number[] {
  const rng = o.rng ?? new Rng(0);
  const cache = model.newCache();
  const out: number[] = [];
  let input = prompt;
  try {
    for (let step = 0; step < o.maxNewTokens && cache.length + input.length <= model.config.maxSeqLen; step++) {
      const [logp] = stepLogProbs(model, [input], cache);
      const next = pick(logp, o, rng);
      out.push(next);
      if (next === o.eosId) break;
      input = [next];
    }
  } finally {
    cache.layers.forEach((l) => { l.k.dispose(); l.v.dispose(); });
  }
  return out;
}
