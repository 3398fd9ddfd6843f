import { describe, expect, it } from 'vitest';
import { container } from 'tsyringe';
import { PluginRegistry, Rng, Tokens, type TrainContext, type TrainableRecommender } from '@ed2/core';
import { recommenderContract, tinyTrainContext } from '@ed2/core/testing';
import backbones from '@ed2/backbones/plugin';
import indexers from '@ed2/indexers/plugin';
import tasks from '@ed2/tasks/plugin';
import generative from './plugin';

const branch = { levels: 2, codebookSize: 6, codeDim: 8, batchSize: 16, initSamples: 16 };
/** The generative recommender scaled to a contract test: a 1-layer LLaMA of width 16, 2 × 6 codes, a few joint steps. */
const tiny = {
  backbone: { name: 'llama', options: { model: { dim: 16, nLayers: 1, nHeads: 2, nKvHeads: 2, hiddenDim: 32, maxSeqLen: 192 } } },
  warmupEpochs: 2,
  epochs: 2,
  stepsPerEpoch: 3,
  batchSize: 4,
  validUsers: 6,
  beams: 6,
  maxHistory: 4,
  checkpointEvery: 2,
  reindexEvery: 3,
};

async function make(name: string, ctx: TrainContext, config: Record<string, unknown>): Promise<TrainableRecommender> {
  const registry = new PluginRegistry();
  for (const p of [backbones, indexers, tasks, generative]) registry.register(p);
  const scope = container.createChildContainer();
  scope.register(Tokens.Registry, { useValue: registry });
  scope.register(Tokens.Corpus, { useValue: ctx.corpus });
  scope.register(Tokens.Split, { useValue: ctx.split });
  scope.register(Tokens.Rng, { useValue: new Rng(7) });
  return registry.create('recommenders', name, scope, config);
}

// Both configurations of the one generative recommender pass the contract (k distinct known ids, resume, no leaked tensors).
recommenderContract('ed2', async () => {
  const ctx = tinyTrainContext();
  return { model: await make('ed2', ctx, { ...tiny, itemIndexer: { name: 'hvqae', options: branch }, userIndexer: { name: 'hvqae', options: branch } }), ctx };
});

recommenderContract('lc-rec', async () => {
  const ctx = tinyTrainContext();
  return { model: await make('lc-rec', ctx, { ...tiny, itemIndexer: { name: 'rqvae', options: branch } }), ctx };
});

describe('dynamic indices of a fixed indexer (LSH)', () => {
  const lsh = { name: 'lsh', options: { levels: 2, bits: 3, mode: 'dynamic' } };
  const reindexOf = async (config: Record<string, unknown>) => {
    const ctx = tinyTrainContext();
    const model = await make('ed2', ctx, { ...tiny, learningRate: 0.05, itemIndexer: lsh, userIndexer: lsh, ...config });
    try {
      const report = await model.fit(ctx);
      return (report.extra as { reindex: { step: number; branch: string; changed: number }[] }).reindex;
    } finally {
      model.dispose();
    }
  };

  it('re-hashes texts re-encoded by the trained backbone (indices change); --static or static-mode LSH keep them; a precomputed index is never re-encoded', async () => {
    const dynamic = await reindexOf({});
    expect([...new Set(dynamic.map((r) => r.step))]).toEqual([3, 6]); // every reindexEvery = 3 steps
    expect(dynamic.some((r) => r.changed > 0)).toBe(true);
    expect(await reindexOf({ dynamic: false })).toEqual([]);
    const staticMode = { name: 'lsh', options: { levels: 2, bits: 2, mode: 'static' } };
    expect(await reindexOf({ itemIndexer: staticMode, userIndexer: staticMode })).toEqual([]);
    const pseudo = { name: 'static', options: { source: 'pseudo', levels: 2, codebookSize: 6 } };
    expect(await reindexOf({ itemIndexer: pseudo, userIndexer: pseudo })).toEqual([]);
  });
});
