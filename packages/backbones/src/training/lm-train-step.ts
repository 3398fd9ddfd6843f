import * as tf from '@tensorflow/tfjs-core';
import { softmaxCrossEntropyRows } from '@ed2/core';
import type { LlamaModel } from '../llama/llama-model';
import { matMulExplicit } from '../llama/explicit-matmul';

/** One (prompt, response) training pair of token ids. */
export interface PromptResponse {
  prompt: number[];
  response: number[];
}

/**
 * Right-padded batch: ids [b, T] (input = prompt+response without the last token), targets [b, T],
 * weights [b, T] = 1 only where the target is a response token.
 */
export function buildLmBatch(pairs: PromptResponse[], padId = 0): { ids: number[][]; targets: number[][]; weights: number[][] } {
  const seqs = pairs.map((p) => [...p.prompt, ...p.response]);
  const T = Math.max(...seqs.map((s) => s.length)) - 1;
  const ids: number[][] = [], targets: number[][] = [], weights: number[][] = [];
  pairs.forEach((p, i) => {
    const s = seqs[i];
    const row: number[] = [], tg: number[] = [], w: number[] = [];
    for (let j = 0; j < T; j++) {
      row.push(j < s.length - 1 ? s[j] : padId);
      tg.push(j + 1 < s.length ? s[j + 1] : padId);
      w.push(j + 1 < s.length && j + 1 >= p.prompt.length ? 1 : 0);
    }
    ids.push(row); targets.push(tg); weights.push(w);
  });
  return { ids, targets, weights };
}

/**
 * Mean NLL over response tokens of a batch. Right padding needs no attention mask for the real tokens
 * (the causal mask already hides the pads that follow them). Only the response positions go through the LM
 * head (a constant 0/1 selection product picks their hidden rows: differentiable on every backend) and the
 * fused softmax cross-entropy: with a 32k vocabulary the head and the loss over prompt and padding positions
 * were most of the step.
 */
export function responseNll(model: LlamaModel, pairs: PromptResponse[], training = true): tf.Scalar {
  const { ids, targets, weights } = buildLmBatch(pairs);
  const T = ids[0]?.length ?? 0;
  const rows: number[] = [];
  const labels: number[] = [];
  weights.forEach((w, i) => w.forEach((x, j) => {
    if (x > 0) {
      rows.push(i * T + j);
      labels.push(targets[i][j]);
    }
  }));
  return tf.tidy(() => {
    if (rows.length === 0) return tf.scalar(0);
    const h = model.hidden(tf.tensor2d(ids, undefined, 'int32'), { training });
    const [b, t, d] = h.shape;
    const flat = tf.reshape(h, [b * t, d]) as tf.Tensor2D;
    const picked = rows.length === b * t
      ? flat
      : (matMulExplicit(tf.cast(tf.oneHot(tf.tensor1d(rows, 'int32'), b * t), 'float32') as tf.Tensor2D, flat) as tf.Tensor2D); // (wasm's oneHot ignores a float32 dtype argument)
    return tf.mean(softmaxCrossEntropyRows(model.head(picked), Int32Array.from(labels))) as tf.Scalar;
  });
}

/** Number of response tokens of a pair that are predicted targets (all of them unless the prompt is empty). */
function responseTokenCount(pair: PromptResponse): number {
  return Math.max(0, pair.prompt.length + pair.response.length - Math.max(1, pair.prompt.length));
}

/**
 * Loss and gradients of one batch, accumulated over micro-batches of size `microBatch`, without applying them.
 * `loss` is the mean NLL over all response tokens of the batch whatever `microBatch` is: each micro-batch's
 * mean is weighted by its share of the batch's response tokens (not of its samples). `grads` maps trainable
 * variable names to gradients (the caller disposes them); empty when the batch has no response token.
 */
export function lmLossAndGrads(model: LlamaModel, pairs: PromptResponse[], microBatch = pairs.length): { loss: number; grads: tf.NamedTensorMap } {
  const vars = model.trainableVariables();
  const size = Math.max(1, Math.floor(microBatch));
  const total = pairs.reduce((s, p) => s + responseTokenCount(p), 0);
  const grads: tf.NamedTensorMap = {};
  let loss = 0;
  for (let i = 0; i < pairs.length; i += size) {
    const chunk = pairs.slice(i, i + size);
    const tokens = chunk.reduce((s, p) => s + responseTokenCount(p), 0);
    if (tokens === 0) continue; // contributes nothing (and has no path to the variables)
    const frac = tokens / total;
    const { value, grads: g } = tf.variableGrads(() => tf.mul(responseNll(model, chunk, true), frac) as tf.Scalar, vars);
    loss += value.dataSync()[0];
    value.dispose();
    for (const [k, t] of Object.entries(g)) {
      const prev = grads[k];
      if (prev === undefined) grads[k] = t;
      else {
        grads[k] = tf.add(prev, t);
        prev.dispose();
        t.dispose();
      }
    }
  }
  return { loss, grads };
}

/**
 * One optimizer step with gradient accumulation over micro-batches of size `microBatch` (see `lmLossAndGrads`:
 * the loss and gradient are those of the whole batch's mean response-token NLL, whatever `microBatch` is).
 * Only the model's trainable variables (LoRA + added-token rows) change. Returns the loss.
 */
export function lmTrainStep(model: LlamaModel, optimizer: tf.Optimizer, pairs: PromptResponse[], microBatch = pairs.length): number {
  const { loss, grads } = lmLossAndGrads(model, pairs, microBatch);
  if (Object.keys(grads).length > 0) optimizer.applyGradients(grads);
  Object.values(grads).forEach((g) => g.dispose());
  return loss;
}
