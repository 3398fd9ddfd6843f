import * as tf from '@tensorflow/tfjs-core';
import { describe, it, expect } from 'vitest';
import { AdamW, Rng } from '@ed2/core';
import { LlamaModel } from '../llama/llama-model';
import { LlamaConfig } from '../llama/llama-config';
import { applyLora } from '../lora/lora';
import { buildLmBatch, lmLossAndGrads, lmTrainStep, responseNll } from './lm-train-step';

const cfg = LlamaConfig.parse({ dim: 16, nLayers: 2, nHeads: 4, nKvHeads: 2, hiddenDim: 24, vocabSize: 16, maxSeqLen: 32 });

function snapshot(model: LlamaModel): Float32Array[] {
  return model.blocks.flatMap((b) => [b.q, b.k, b.v, b.o, b.gate, b.up, b.down].map((l) => l.weight.dataSync() as Float32Array).map((d) => d.slice()));
}

describe('lmTrainStep', () => {
  it('masks the prompt: only response targets carry weight', () => {
    const b = buildLmBatch([{ prompt: [1, 2, 3], response: [4, 5] }, { prompt: [1], response: [6] }]);
    expect(b.ids).toEqual([[1, 2, 3, 4], [1, 0, 0, 0]]);
    expect(b.targets).toEqual([[2, 3, 4, 5], [6, 0, 0, 0]]);
    expect(b.weights).toEqual([[0, 0, 1, 1], [1, 0, 0, 0]]);
  });

  it('responseNll equals the mean response-token NLL read off the full logits, added tokens included', () => {
    const model = new LlamaModel(cfg, undefined, new Rng(4));
    const extra = model.extendVocab(2, new Rng(5));
    const pairs = [{ prompt: [1, 2, 3], response: [4, extra[0]] }, { prompt: [1], response: [extra[1]] }];
    const ours = responseNll(model, pairs, false);
    const { ids, targets, weights } = buildLmBatch(pairs);
    const logp = tf.tidy(() => tf.logSoftmax(model.forward(tf.tensor2d(ids, undefined, 'int32'))).arraySync() as number[][][]);
    let sum = 0, n = 0;
    weights.forEach((row, i) => row.forEach((w, j) => {
      if (w > 0) {
        sum -= logp[i][j][targets[i][j]];
        n++;
      }
    }));
    expect(n).toBe(3);
    expect(ours.dataSync()[0]).toBeCloseTo(sum / n, 5);
    ours.dispose();
    model.dispose();
  });

  it('lowers the loss with LoRA + new-token rows, keeps base weights bit-identical, leaks no tensors', () => {
    const model = new LlamaModel(cfg, undefined, new Rng(1));
    applyLora(model, { rank: 4, alpha: 8, dropout: 0, targets: ['q', 'v', 'gate', 'down'] }, new Rng(2));
    const newIds = model.extendVocab(3, new Rng(3));
    const pairs = [
      { prompt: [1, 5, 6], response: [newIds[0], 7] },
      { prompt: [1, 8], response: [newIds[1], newIds[2]] },
      { prompt: [1, 9, 9, 9], response: [newIds[2]] },
    ];
    const base = snapshot(model);
    const opt = new AdamW({ learningRate: 0.05 });
    const first = lmTrainStep(model, opt, pairs, 2);
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 25; i++) last = lmTrainStep(model, opt, pairs, 2);
    expect(tf.memory().numTensors).toBe(before);
    expect(last).toBeLessThan(first * 0.5);
    expect(snapshot(model)).toEqual(base);
    opt.dispose();
    model.dispose();
  });

  it('gradient accumulation over micro-batches gives the full-batch loss', () => {
    const model = new LlamaModel(cfg, undefined, new Rng(4));
    applyLora(model, { rank: 2, dropout: 0 }, new Rng(5));
    const pairs = [{ prompt: [1, 2], response: [3, 4] }, { prompt: [1, 5], response: [6, 7] }];
    const full = tf.tidy(() => responseNll(model, pairs, false).dataSync()[0]);
    const opt = new AdamW({ learningRate: 0 });
    const acc = lmTrainStep(model, opt, pairs, 1);
    expect(acc).toBeCloseTo(full, 4);
    opt.dispose();
    model.dispose();
  });

  it('responses of different lengths: loss and gradients are the batch mean over response tokens, whatever microBatch is', () => {
    const model = new LlamaModel(cfg, undefined, new Rng(8));
    applyLora(model, { rank: 2, alpha: 4, dropout: 0, targets: ['q', 'v', 'down'] }, new Rng(9));
    const lengths = [1, 2, 3, 5, 1, 4, 2, 6];
    const tok = new Rng(10);
    const pairs = lengths.map((r, i) => ({
      prompt: Array.from({ length: 1 + (i % 3) }, () => 1 + tok.int(15)),
      response: Array.from({ length: r }, () => 1 + tok.int(15)),
    }));
    // independent: −log softmax of the full logits of each pair alone, summed over its response tokens / all response tokens
    let sum = 0;
    for (const p of pairs) {
      const seq = [...p.prompt, ...p.response];
      const logp = tf.tidy(() => tf.logSoftmax(model.forward(tf.tensor2d([seq.slice(0, -1)], undefined, 'int32'))).arraySync() as number[][][]);
      for (let j = p.prompt.length; j < seq.length; j++) sum -= logp[0][j - 1][seq[j]];
    }
    const expected = sum / lengths.reduce((a, b) => a + b, 0);
    const before = tf.memory().numTensors;
    const one = lmLossAndGrads(model, pairs, 1);
    const all = lmLossAndGrads(model, pairs, 8);
    const three = lmLossAndGrads(model, pairs, 3); // uneven chunks: 3 + 3 + 2 pairs
    expect(one.loss).toBeCloseTo(expected, 5);
    expect(all.loss).toBeCloseTo(expected, 5);
    expect(three.loss).toBeCloseTo(expected, 5);
    const names = model.trainableVariables().map((v) => v.name).sort();
    for (const r of [one, three]) {
      expect(Object.keys(r.grads).sort()).toEqual(names);
      for (const k of names) {
        const [a, b] = [r.grads[k].dataSync(), all.grads[k].dataSync()];
        let worst = 0;
        a.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - b[i]))));
        expect(worst).toBeLessThan(1e-5);
      }
    }
    expect(Math.max(...names.map((k) => tf.tidy(() => tf.max(tf.abs(all.grads[k])).dataSync()[0])))).toBeGreaterThan(1e-3); // not vacuous
    for (const r of [one, all, three]) tf.dispose(Object.values(r.grads));
    expect(tf.memory().numTensors).toBe(before);
    // lmTrainStep reports the same loss and leaks nothing
    const opt = new AdamW({ learningRate: 0 });
    expect(lmTrainStep(model, opt, pairs, 1)).toBeCloseTo(expected, 5);
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('an embedding provider supplies the new-token rows inside the gradient tape', () => {
    const model = new LlamaModel(cfg, undefined, new Rng(6));
    const [id] = model.extendVocab(2, new Rng(7));
    const rows = tf.variable(tf.randomNormal([2, 16], 0, 0.1, 'float32', 1));
    model.embeddingProvider = () => tf.mul(rows, 2) as tf.Tensor2D;
    const { grads, value } = tf.variableGrads(() => responseNll(model, [{ prompt: [1, id], response: [3] }]), [rows]);
    expect(tf.sum(tf.abs(grads[rows.name])).dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([value, grads[rows.name], rows]);
    model.dispose();
  });
});
