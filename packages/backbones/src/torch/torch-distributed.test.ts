import * as tf from '@tensorflow/tfjs-core';
import { AdamW, IndexVocabulary, type LmSample } from '@ed2/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTorchBackbone } from './create-torch-backbone';
import type { TorchBackbone } from './torch-backbone';
import { TorchBackboneConfig } from './torch-backbone-config';
import { workerCommand } from './create-torch-backbone';

const size = { dim: 16, nLayers: 1, nHeads: 2, nKvHeads: 1, hiddenDim: 24, maxSeqLen: 64 };
const words = ['the red ball', 'a blue car', 'the red car', 'a small dog', 'one green tree'];
/** Loss of 2 torchrun workers (each half the batch, gradients all-reduced) vs 1 worker with the whole batch. */
const CURVE_TOL = 1e-4;

/**
 * Six AdamW steps on 8 fixed samples (rows + every weight of a random-init LLaMA, or its LoRA adapters): the response
 * loss, plus (`pooled`) a term on pooled states of index and text sequences, the path L_ID takes (not split by rank).
 */
async function lossCurve(workers: number, options: { strategy?: 'ddp' | 'fsdp'; pooled?: boolean; finetune?: 'full' | 'lora'; saveTo?: string } = {}): Promise<number[]> {
  const bb: TorchBackbone = await createTorchBackbone(TorchBackboneConfig.parse({ model: size, seed: 21, threads: 1, workers, finetune: options.finetune ?? 'full', strategy: options.strategy ?? 'ddp', lora: { rank: 4, alpha: 8, dropout: 0 } }), { seed: 21, texts: () => words });
  try {
    expect(bb.engine.client.hello.worldSize).toBe(workers);
    const vocab = new IndexVocabulary([{ kind: 'item', prefix: '', levels: 2, codebookSize: 3, suffixes: 0 }], bb.baseVocabSize);
    bb.setIndexVocabulary(vocab);
    const batch: LmSample[] = Array.from({ length: 8 }, (_, i) => ({
      prompt: [bb.bosId, ...bb.tokenize(words[i % words.length])],
      response: [vocab.id(`<a_${i % 3}>`)!, vocab.id(`<b_${(i * 2) % 3}>`)!, bb.eosId],
    }));
    const rows = tf.variable(tf.randomNormal([vocab.size, bb.dim], 0, 0.02, 'float32', 5) as tf.Tensor2D, true, 'dist-test/rows');
    const vars = [rows, ...Object.values(bb.trainableVariables())];
    const opt = new AdamW({ learningRate: 1e-2, weightDecay: 0 });
    const losses: number[] = [];
    for (let s = 0; s < 6; s++) {
      const { value, grads } = tf.variableGrads(() => {
        const r = bb.responseNllSum(batch, { rows, training: true });
        const nll = tf.div(r.sum, r.tokens) as tf.Scalar;
        if (!options.pooled) return nll;
        const a = bb.pooled(batch.map((x) => x.response.slice(0, 2)), { rows, training: true });
        const b = bb.pooled(batch.map((x) => x.prompt), { training: true });
        return tf.add(nll, tf.mean(tf.square(tf.sub(a, b)))) as tf.Scalar;
      }, vars);
      opt.applyGradients(grads);
      bb.markUpdated();
      losses.push(value.dataSync()[0]);
      tf.dispose([value, ...Object.values(grads)]);
    }
    opt.dispose();
    rows.dispose();
    if (options.saveTo) await bb.saveAdapters(options.saveTo);
    return losses;
  } finally {
    bb.dispose();
  }
}

describe('torch backbone under torchrun', () => {
  it('refuses fsdp with one process and no torchrun flags (nothing to shard over), naming the fix', () => {
    expect(() => TorchBackboneConfig.parse({ strategy: 'fsdp' })).toThrow(/strategy 'fsdp' shards the model across processes: set workers to 2 or more/);
    expect(TorchBackboneConfig.parse({ strategy: 'fsdp', workers: 2 }).strategy).toBe('fsdp');
    expect(TorchBackboneConfig.parse({ strategy: 'fsdp', torchrun: ['--nnodes=2'] }).workers).toBe(1);
  });

  it('builds the torchrun command (standalone unless rendezvous flags are given)', () => {
    expect(workerCommand('py', { workers: 1, torchrun: [] })).toEqual({ command: 'py', args: ['-m', 'ed2_torch_worker'] });
    expect(workerCommand('py', { workers: 2, torchrun: [] }).args).toEqual(['-m', 'torch.distributed.run', '--nproc_per_node=2', '--standalone', '-m', 'ed2_torch_worker']);
    expect(workerCommand('py', { workers: 4, torchrun: ['--nnodes=2', '--node_rank=1', '--rdzv_backend=c10d', '--rdzv_endpoint=h:29500'] }).args).toEqual([
      '-m', 'torch.distributed.run', '--nproc_per_node=4', '--nnodes=2', '--node_rank=1', '--rdzv_backend=c10d', '--rdzv_endpoint=h:29500', '-m', 'ed2_torch_worker',
    ]);
  });

  it(`2 gloo workers (half the batch each) follow the loss curve of 1 worker with the whole batch (|Δ| < ${CURVE_TOL})`, async () => {
    const one = await lossCurve(1);
    const two = await lossCurve(2);
    expect(one[5]).toBeLessThan(one[0] - 0.1); // it learns
    two.forEach((l, i) => expect(Math.abs(l - one[i])).toBeLessThan(CURVE_TOL));
  });

  it(`2 gloo workers under FSDP (fully_shard per layer) follow 1 worker too, with a pooled term, full and LoRA (|Δ| < ${CURVE_TOL})`, async () => {
    for (const finetune of ['full', 'lora'] as const) {
      const one = await lossCurve(1, { pooled: true, finetune });
      const fsdp = await lossCurve(2, { strategy: 'fsdp', pooled: true, finetune });
      expect(one[5]).toBeLessThan(one[0] - 0.01); // it learns
      fsdp.forEach((l, i) => expect(Math.abs(l - one[i])).toBeLessThan(CURVE_TOL));
    }
  });

  it('saves LoRA adapters gathered from the FSDP shards; a plain worker and an FSDP pair load them to the same weights', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'fsdp-adapters-'));
    const make = (workers: number, strategy: 'ddp' | 'fsdp') =>
      createTorchBackbone(TorchBackboneConfig.parse({ model: size, seed: 21, threads: 1, workers, finetune: 'lora', strategy, lora: { rank: 4, alpha: 8, dropout: 0 } }), { seed: 21, texts: () => words });
    const values = async (bb: TorchBackbone) => Object.fromEntries(await Promise.all(Object.entries(bb.trainableVariables()).map(async ([k, v]) => [k, Array.from(await v.data())] as const)));
    try {
      // the trained adapters: 2 FSDP workers, saved (each rank gathers the shards, rank 0 writes)
      await lossCurve(2, { strategy: 'fsdp', finetune: 'lora', saveTo: join(tmp, 'a') });
      const plain = await make(1, 'ddp');
      const fresh = await values(plain);
      await plain.loadAdapters(join(tmp, 'a'));
      const loaded = await values(plain);
      plain.dispose();
      const pair = await make(2, 'fsdp');
      await pair.loadAdapters(join(tmp, 'a'));
      const loadedPair = await values(pair);
      pair.dispose();
      const names = Object.keys(loaded);
      expect(names.some((k) => /lora_B/.test(k))).toBe(true);
      // training changed lora_B (initialised to 0), and both loads give the same values
      expect(names.some((k) => /lora_B/.test(k) && loaded[k].some((x) => x !== 0) && fresh[k].every((x) => x === 0))).toBe(true);
      expect(Object.keys(loadedPair)).toEqual(names);
      for (const k of names) expect(loadedPair[k]).toEqual(loaded[k]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
