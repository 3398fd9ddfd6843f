import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBus, RecError, PLUGIN_API_VERSION } from '@ed2/core';
import { buildRegistry, runExperiment, type ExperimentOptions } from '@ed2/cli';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';

const tmp = mkdtempSync(join(tmpdir(), 'rec-nsf-run-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const model = { epochs: 2, dim: 8, maxLen: 8, batchSize: 32, patience: 10 };
const options = (out: string, extra: Partial<ExperimentOptions> = {}): ExperimentOptions => ({
  model: 'gru4rec',
  modelConfig: { ...model, hidden: 8 },
  dataset: 'synthetic',
  datasetConfig: { numUsers: 60, numItems: 30 },
  seed: 4,
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
const json = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON files read in tests

describe('rec run: no silent failure', () => {
  it('bad input is refused before any run folder is made', async () => {
    const cases: [Partial<ExperimentOptions>, string, RegExp][] = [
      [{ dataset: 'no-such-dataset' }, 'E_DATA_MISSING', /Unknown dataset "no-such-dataset".*Known datasets: .*synthetic/],
      [{ dataset: join(tmp, 'no-such-folder') }, 'E_DATA_MISSING', /no-such-folder/],
      [{ evalBatchSize: 0 }, 'E_CONFIG', /--eval-batch 0 is not a positive number/],
    ];
    const header = join(tmp, 'header-only');
    mkdirSync(header);
    writeFileSync(join(header, 'h.inter'), 'user_id:token\titem_id:token\ttimestamp:float\n');
    cases.push([{ dataset: header, datasetConfig: {} }, 'E_DATA_FORMAT', /h\.inter/]);
    const short = join(tmp, 'too-short');
    mkdirSync(short);
    writeFileSync(join(short, 's.inter'), 'user_id:token\titem_id:token\ttimestamp:float\nu1\ti1\t1\nu1\ti2\t2\nu2\ti1\t1\n');
    cases.push([{ dataset: short, datasetConfig: {} }, 'E_DATA_FORMAT', /no user has the 3 interactions/]);
    for (const [i, [extra, code, message]] of cases.entries()) {
      const out = join(tmp, `bad-${i}`);
      const err = await runExperiment(options(out, extra)).catch((e: unknown) => e);
      expect(RecError.is(err, code as RecError['code']), `${i}: ${String(err)}`).toBe(true);
      expect((err as RecError).message).toMatch(message);
      expect((err as RecError).hint, `${i}: a fix`).toBeTruthy();
      expect(existsSync(out), `${i}: no run folder`).toBe(false);
    }
  });

  it('train-history.json is written after every epoch; a resume mismatch names the differing keys; train.seconds covers every attempt', async () => {
    const out = join(tmp, 'history');
    const events = new EventBus();
    const seen: number[] = [];
    events.on((e) => {
      // at each validation, the previous epochs are already on disk
      if (e.type === 'metric' && e.name === 'gru4rec/ndcg@10') seen.push(existsSync(join(out, 'train-history.json')) ? (json(out, 'train-history.json') as unknown as unknown[]).length : 0);
    });
    await runExperiment(options(out, { events }));
    expect(seen).toEqual([0, 1]);
    expect(json(out, 'train-history.json')).toHaveLength(2);
    const err = await runExperiment(options(out, { resume: true, modelConfig: { ...model, hidden: 16, dim: 12 } })).catch((e: unknown) => e);
    expect(RecError.is(err, 'E_CONFIG')).toBe(true);
    expect((err as RecError).message).toBe('--resume: the model options differ from the run being resumed: modelConfig.dim (8 there, 12 now); modelConfig.hidden (8 there, 16 now)');
    const more = await runExperiment(options(out, { resume: true, modelConfig: { ...model, hidden: 8, epochs: 3 } }));
    expect(more.train.resumedFromEpoch).toBe(2);
    expect(json(out, 'train-history.json')).toHaveLength(3);
    // the total holds the first attempt's two epochs as well as the third: at least the sum of all epoch times
    const epochs = (json(out, 'train-history.json') as unknown as { seconds: number }[]).reduce((t, h) => t + h.seconds, 0);
    expect(json(out, 'metrics.json').train.seconds).toBeGreaterThanOrEqual(epochs);
  });

  it('a finished run stays done when a later --resume finds a damaged checkpoint; its metrics stand', async () => {
    const out = join(tmp, 'damaged');
    await runExperiment(options(out));
    const metrics = readFileSync(join(out, 'metrics.json'), 'utf8');
    const ck = join(out, 'checkpoint');
    for (const f of readdirSync(ck).filter((f) => f.endsWith('.safetensors'))) writeFileSync(join(ck, f), 'garbage');
    const err = await runExperiment(options(out, { resume: true, modelConfig: { ...model, hidden: 8, epochs: 3 } })).catch((e: unknown) => e);
    expect(RecError.is(err)).toBe(true);
    expect((err as RecError).code).toMatch(/E_CHECKPOINT|E_DATA_FORMAT/);
    const run = json(out, 'run.json');
    expect(run.status).toBe('done');
    expect(run.error.message).toBe((err as Error).message);
    expect(readFileSync(join(out, 'metrics.json'), 'utf8')).toBe(metrics);
  });

  it('a plugin recommender without fit() ends with a RecError naming it, not a TypeError from dispose()', async () => {
    const registry = buildRegistry();
    registry.register({
      meta: { name: 'rec-plugin-broken', version: '0.0.1', apiVersion: PLUGIN_API_VERSION },
      recommenders: { lazy: { summary: 'scores but cannot train', config: z.object({}).strict(), create: () => ({ score: () => undefined }) } },
    });
    const err = await runExperiment(options(join(tmp, 'plugin'), { model: 'lazy', modelConfig: {}, registry })).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(TypeError);
    expect(RecError.is(err)).toBe(true);
    expect((err as RecError).message).toMatch(/lazy.*fit\(\)/);
    expect(json(join(tmp, 'plugin'), 'run.json').status).toBe('failed');
  });
});
