import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBus, RecError, type TrainContext } from '@ed2/core';
import { recommenderContract, tinyTrainContext } from '@ed2/core/testing';
import { LlamaBackboneConfig, createLlamaBackbone } from '@ed2/backbones';
import { afterAll, describe, expect, it } from 'vitest';
import { darecConfig } from './darec-config';
import { DarecRecommender } from './darec-recommender';
import { DarecPrompts } from './darec-prompts';
import { attributeText } from './attribute-text';

const llama = { model: { dim: 16, nLayers: 2, nHeads: 2, nKvHeads: 2, hiddenDim: 32, maxSeqLen: 256 } };
const small = { coarseEpochs: 2, stepsPerEpoch: 4, batchSize: 8, dynamicSteps: 2, cfDim: 8, itemTextTokens: 6, maxHistory: 5, checkpointEvery: 2 };

async function make(ctx: TrainContext, extra: Record<string, unknown> = {}): Promise<DarecRecommender> {
  const config = darecConfig.parse({ ...small, ...extra });
  const backbone = await createLlamaBackbone(LlamaBackboneConfig.parse(llama), { seed: 3, texts: () => [DarecPrompts.WORDS, ...ctx.corpus.items.map((it) => attributeText(it, config.fields))] });
  return new DarecRecommender(config, { backbone, corpus: ctx.corpus, split: ctx.split, seed: 11 });
}

recommenderContract('darec', async () => {
  const ctx = tinyTrainContext({ seed: 1 });
  return { model: await make(ctx), ctx };
});

describe('DarecRecommender', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'darec-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('searches the per-layer grid on validation and keeps the best setting (or the coarse weights)', async () => {
    const ctx = tinyTrainContext({ seed: 2 });
    const m = await make(ctx);
    const r = await m.fit(ctx);
    const dyn = (r.extra as { dynamic: { scales: number[] | null; valid: Record<string, number> }[] }).dynamic;
    // the coarse weights, then the default grid for 2 layers: none, both, lower, upper
    expect(dyn.map((d) => d.scales)).toEqual([null, [0, 0], [1, 1], [1, 0], [0, 1]]);
    const best = Math.max(...dyn.map((d) => d.valid['ndcg@10']));
    expect(r.bestValid['ndcg@10']).toBe(best);
    const chosen = (r.extra as { chosenScales: number[] | null }).chosenScales;
    expect(dyn.find((d) => d.valid['ndcg@10'] === best)!.scales).toEqual(chosen);
    m.dispose();
  });

  it('refuses dynamic adapters on linears that carry the backbone LoRA, naming the layer and the fix', async () => {
    const ctx = tinyTrainContext({ seed: 2 });
    const config = darecConfig.parse({ ...small, dynamicTargets: ['q'] });
    const backbone = await createLlamaBackbone(LlamaBackboneConfig.parse({ ...llama, finetune: 'lora' }), { seed: 3, texts: () => ctx.corpus.items.map((it) => attributeText(it, config.fields)) });
    const before = tf.memory().numTensors;
    expect(() => new DarecRecommender(config, { backbone, corpus: ctx.corpus, split: ctx.split, seed: 1 })).toThrow(/layer 0's q already has the backbone's LoRA adapter/);
    backbone.dispose();
    expect(tf.memory().numTensors).toBeLessThan(before);
  });

  it('refuses prompts longer than the backbone context, naming both lengths and the fix', async () => {
    const ctx = tinyTrainContext({ seed: 2 });
    // longest prompt: <s> history : + 20 × (<item> + 6 text tokens + ;) + next item : <user> = 3 + 160 + 4 = 167 > 128
    const config = darecConfig.parse({ ...small, maxHistory: 20 });
    const backbone = await createLlamaBackbone(LlamaBackboneConfig.parse({ model: { ...llama.model, maxSeqLen: 128 } }), { seed: 3, texts: () => [DarecPrompts.WORDS, ...ctx.corpus.items.map((it) => attributeText(it, config.fields))] });
    expect(() => new DarecRecommender(config, { backbone, corpus: ctx.corpus, split: ctx.split, seed: 1 })).toThrow(/20 items × 6 text tokens is 167 tokens, the backbone's context is 128/);
    backbone.dispose();
  });

  for (const [stage, at] of [['coarse', 'train/darec'], ['dynamic', 'train/darec/dynamic/2']] as const) {
    it(`interrupted in the ${stage} stage, resume gives the scores of the uninterrupted run`, async () => {
      const cases = tinyTrainContext({ seed: 4 }).split.test;
      const plain = await make(tinyTrainContext({ seed: 4 }));
      await plain.fit(tinyTrainContext({ seed: 4 }));
      const want = plain.score(cases);
      const dir = join(tmp, stage);
      const ac = new AbortController();
      const events = new EventBus();
      events.on((e) => {
        if (e.type === 'progress' && e.id === at && e.current >= 1 && (stage === 'dynamic' || e.label.startsWith('epoch 2/'))) ac.abort();
      });
      const first = await make(tinyTrainContext({ seed: 4 }));
      await expect(first.fit({ ...tinyTrainContext({ seed: 4 }), events, checkpointDir: dir, signal: ac.signal })).rejects.toSatisfy((e: unknown) => RecError.is(e, 'E_ABORTED'));
      first.dispose();
      const again = await make(tinyTrainContext({ seed: 4 }));
      const r = await again.fit({ ...tinyTrainContext({ seed: 4 }), checkpointDir: dir, resume: true });
      if (stage === 'coarse') expect(r.resumedFromEpoch).toBe(2);
      const got = again.score(cases);
      expect(Array.from(await got.data())).toEqual(Array.from(await want.data()));
      tf.dispose([want, got]);
      plain.dispose();
      again.dispose();
    });
  }
});
