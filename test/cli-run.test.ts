import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBus, RecError } from '@ed2/core';
import { buildRegistry, runExperiment, type ExperimentOptions } from '@ed2/cli';
import { afterAll, describe, expect, it } from 'vitest';

const tmp = mkdtempSync(join(tmpdir(), 'rec-e2e-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const small = { numUsers: 150, numItems: 60 };
const options = (out: string, extra: Partial<ExperimentOptions> = {}): ExperimentOptions => ({
  model: 'sasrec',
  modelConfig: { epochs: 3, dim: 16, maxLen: 10, batchSize: 32, patience: 10 },
  dataset: 'synthetic',
  datasetConfig: small,
  seed: 11,
  backend: 'auto',
  out,
  resume: false,
  ks: [1, 5, 10],
  excludeSeen: false,
  evalBatchSize: 64,
  registry: buildRegistry(),
  events: new EventBus(),
  signal: new AbortController().signal,
  ...extra,
});

describe('rec run (composition root)', () => {
  it('trains, evaluates and writes a complete run folder', async () => {
    const out = join(tmp, 'full');
    const r = await runExperiment(options(out));
    for (const f of ['config.json', 'run.json', 'metrics.json', 'report.md', 'test-per-user.json', 'train-history.json']) expect(existsSync(join(out, f))).toBe(true);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(run.status).toBe('done');
    const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(Object.keys(m.test).sort()).toEqual(['hr@1', 'hr@10', 'hr@5', 'mrr', 'ndcg@1', 'ndcg@10', 'ndcg@5']);
    expect(m.test['hr@10']).toBeGreaterThanOrEqual(m.test['hr@5']);
    expect(m.protocol).toMatchObject({ excludeSeen: false, ranking: 'full', ties: 'pessimistic', numItems: 60 });
    expect(m.cases).toBe(r.test.count);
    expect(r.markdown).toContain('ndcg@10');
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toMatch(/not masked|seen items/i);
    const perUser = JSON.parse(readFileSync(join(out, 'test-per-user.json'), 'utf8'));
    expect(perUser.perCase.users).toHaveLength(r.test.count);
  });

  it('Ctrl-C mid-training leaves an interrupted run that --resume finishes with the uninterrupted result', async () => {
    const reference = await runExperiment(options(join(tmp, 'ref')));
    const out = join(tmp, 'interrupted');
    const controller = new AbortController();
    const events = new EventBus();
    events.on((e) => {
      if (e.type === 'metric' && e.name === 'sasrec/ndcg@10' && e.step === 1) controller.abort(new RecError('E_ABORTED', 'test interrupt'));
    });
    await expect(runExperiment(options(out, { events, signal: controller.signal }))).rejects.toMatchObject({ code: 'E_ABORTED' });
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).status).toBe('interrupted');
    expect(existsSync(join(out, 'metrics.json'))).toBe(false);
    await expect(runExperiment(options(out))).rejects.toMatchObject({ code: 'E_RUN_DIR' });
    const resumed = await runExperiment(options(out, { resume: true }));
    expect(resumed.train.resumedFromEpoch).toBe(1);
    expect(resumed.test.metrics).toEqual(reference.test.metrics);
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'))).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('bad input gets a clear error and leaves no half-written run', async () => {
    await expect(runExperiment(options(join(tmp, 'e1'), { model: 'sasrek' }))).rejects.toThrow(/Unknown recommender "sasrek".*sasrec/);
    await expect(runExperiment(options(join(tmp, 'e2'), { modelConfig: { dimension: 3 } }))).rejects.toMatchObject({ code: 'E_CONFIG' });
    expect(existsSync(join(tmp, 'e1'))).toBe(false);
    await expect(runExperiment(options(join(tmp, 'e3'), { dataset: join(tmp, 'no-such-folder') }))).rejects.toMatchObject({ code: 'E_DATA_MISSING' });
    const bad = join(tmp, 'bad-data');
    mkdirSync(bad);
    writeFileSync(join(bad, 'Bad.inter.json'), '{"0": [0, 1, 2], "1": [1, 2,');
    const err = await runExperiment(options(join(tmp, 'e4'), { dataset: bad, datasetConfig: {} })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_DATA_FORMAT' });
    expect((err as Error).message).toContain('Bad.inter.json');
    expect(existsSync(join(tmp, 'e4'))).toBe(false); // malformed data is refused before a run folder is made
    const other = join(tmp, 'not-a-run');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'mine');
    await expect(runExperiment(options(other))).rejects.toMatchObject({ code: 'E_RUN_DIR' });
    expect(readFileSync(join(other, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('--resume refuses a run with different options', async () => {
    const out = join(tmp, 'ref');
    await expect(runExperiment(options(out, { resume: true, seed: 12 }))).rejects.toThrow(/seed differs/);
    await expect(runExperiment(options(out, { resume: true, modelConfig: { epochs: 3, dim: 32, maxLen: 10, batchSize: 32, patience: 10 } }))).rejects.toThrow(/model options differ/);
  });

  it('--resume accepts a new epoch budget: a smaller one tests the best checkpoint without training', async () => {
    const out = join(tmp, 'budget');
    const first = await runExperiment(options(out));
    const again = await runExperiment(options(out, { resume: true, modelConfig: { epochs: 1, dim: 16, maxLen: 10, batchSize: 32, patience: 10 } }));
    expect(again.train.resumedFromEpoch).toBe(3);
    expect(again.train.history).toHaveLength(3);
    expect(again.test.metrics).toEqual(first.test.metrics);
  });

  it('--resume continues a run whose config.json predates an option (the option takes its default)', async () => {
    const out = join(tmp, 'older');
    const first = await runExperiment(options(out, { modelConfig: { epochs: 2, dim: 16, maxLen: 10, batchSize: 32, patience: 10 } }));
    // as written by a version without `gbceT` and `lrDecay`
    const cfgFile = join(out, 'config.json');
    const cfg = JSON.parse(readFileSync(cfgFile, 'utf8'));
    delete cfg.modelConfig.gbceT;
    delete cfg.modelConfig.lrDecay;
    writeFileSync(cfgFile, JSON.stringify(cfg));
    const again = await runExperiment(options(out, { resume: true, modelConfig: { epochs: 2, dim: 16, maxLen: 10, batchSize: 32, patience: 10 } }));
    expect(again.train.resumedFromEpoch).toBe(2);
    expect(again.test.metrics).toEqual(first.test.metrics);
    // a stored option that really differs from the default is still a different experiment
    cfg.modelConfig.lrDecay = 0.5;
    writeFileSync(cfgFile, JSON.stringify(cfg));
    await expect(runExperiment(options(out, { resume: true }))).rejects.toThrow(/model options differ/);
  });
});
