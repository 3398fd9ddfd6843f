import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EventBus } from '@ed2/core';
import { buildRegistry, runExperiment } from '@ed2/cli';
import { afterAll, describe, expect, it } from 'vitest';

const tmp = mkdtempSync(join(tmpdir(), 'rec-tiger-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const t5 = { dModel: 32, nHeads: 2, dKv: 16, dFf: 64, encoderLayers: 1, decoderLayers: 1, userTokens: 32 };
const json = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON files read in tests

describe('rec run --model tiger (end to end on a small synthetic corpus)', () => {
  it('RQ-VAE semantic IDs over item text encoded by a small LLaMA, T5 training, beam-search test metrics and every output', async () => {
    const out = join(tmp, 'rqvae');
    const r = await runExperiment({
      model: 'tiger',
      modelConfig: {
        backbone: { name: 'llama', options: { model: { dim: 32, nLayers: 1, nHeads: 2, nKvHeads: 2, hiddenDim: 64, maxSeqLen: 128 } } },
        itemIndexer: { name: 'rqvae', options: { levels: 3, codebookSize: 8, codeDim: 8, batchSize: 64, initSamples: 64, epochs: 5 } },
        t5,
        maxHistory: 5,
        epochs: 2,
        batchSize: 32,
        validUsers: 20,
        beams: 10,
      },
      dataset: 'synthetic',
      datasetConfig: { numUsers: 80, numItems: 40, maxLength: 12 },
      seed: 5,
      backend: 'auto',
      out,
      resume: false,
      ks: [1, 5, 10],
      excludeSeen: false,
      evalBatchSize: 64,
      registry: buildRegistry(),
      events: new EventBus(),
      signal: new AbortController().signal,
    });
    for (const f of ['config.json', 'run.json', 'metrics.json', 'report.md', 'test-per-user.json', 'train-history.json']) expect(existsSync(join(out, f))).toBe(true);
    const cfg = json(out, 'config.json');
    // nested options went through their own schemas: defaults filled
    expect(cfg.modelConfig.itemIndexer.options).toMatchObject({ levels: 3, codebookSize: 8, commitmentWeight: 0.25, sinkhorn: false });
    expect(cfg.modelConfig.t5).toMatchObject({ dModel: 32, dropout: 0.1, relativeBuckets: 32 });
    const m = json(out, 'metrics.json');
    expect(m.trainer.idLength).toBe(4); // 3 RQ-VAE levels + the collision level
    expect(m.trainer.indexStats.entities).toBe(40);
    for (const k of ['hr@1', 'hr@5', 'hr@10', 'ndcg@5', 'ndcg@10']) expect(Number.isFinite(r.test.metrics[k])).toBe(true);
    expect(r.test.protocol.ranking).toBe('top-k');
    expect(json(out, 'run.json').status).toBe('done');
  });

  it('rec run --model tiger --indexer static --index-file uses the precomputed index (collision level added where codes collide)', () => {
    // 30 items over 3 levels of 4 codes; items 28 and 29 share item 0's codes
    const index = Object.fromEntries(Array.from({ length: 30 }, (_, i) => { const j = i >= 28 ? 0 : i; return [String(i), [`<a_${j % 4}>`, `<b_${(j >> 2) % 4}>`, `<c_${j >> 4}>`]]; }));
    const file = join(tmp, 'items.index.json');
    writeFileSync(file, JSON.stringify(index));
    const out = join(tmp, 'static');
    const BIN = resolve(__dirname, '../packages/cli/bin/run.js');
    const sets = Object.entries({ ...t5, maxHistory: 4, batchSize: 32, validUsers: 10, beams: 10 }).flatMap(([k, v]) => ['--set', `${k in t5 ? 't5.' : ''}${k}=${v}`]);
    const run = spawnSync(process.execPath, [BIN, 'run', '--model', 'tiger', '--indexer', 'static', '--index-file', file, '--dataset', 'synthetic', '--dataset-set', 'numUsers=50', '--dataset-set', 'numItems=30', '--epochs', '1', '--seed', '3', '--out', out, '--json', ...sets], { encoding: 'utf8', timeout: 240_000, env: { ...process.env, FORCE_COLOR: '0' } });
    expect(run.status, run.stderr).toBe(0);
    const cfg = json(out, 'config.json');
    expect(cfg.modelConfig.itemIndexer).toMatchObject({ name: 'static', options: { source: 'file', path: file } });
    expect(cfg.modelConfig.userIndexer).toBeUndefined();
    expect(json(out, 'metrics.json').trainer.indexStats.maxCollisionSet).toBe(3);
    const bad = spawnSync(process.execPath, [BIN, 'run', '--model', 'sasrec', '--index-file', file, '--out', join(tmp, 'bad')], { encoding: 'utf8', timeout: 60_000 });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/--index-file configures a generative model, not sasrec/);
  }, 300_000);
});
