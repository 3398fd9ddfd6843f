import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EventBus, RecError } from '@ed2/core';
import { buildRegistry, runExperiment, type ExperimentOptions } from '@ed2/cli';
import { afterAll, describe, expect, it } from 'vitest';

const MODELS = resolve(__dirname, '../../shared/models/stories260K');
const WEIGHTS = join(MODELS, 'stories260K.bin');
const TOKENIZER = join(MODELS, 'tok512.bin');
for (const f of [WEIGHTS, TOKENIZER]) if (!existsSync(f)) throw new Error(`missing test model file ${f} (see ../shared/models/README.md)`);

const tmp = mkdtempSync(join(tmpdir(), 'rec-corrupt-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const branch = { levels: 2, codebookSize: 8, codeDim: 8, batchSize: 64, initSamples: 64 };
const options = (out: string, weights: string, extra: Partial<ExperimentOptions> = {}): ExperimentOptions => ({
  model: 'ed2',
  modelConfig: {
    backbone: { name: 'llama', options: { weights, tokenizer: TOKENIZER } },
    itemIndexer: { name: 'hvqae', options: branch },
    userIndexer: { name: 'hvqae', options: branch },
    warmupEpochs: 1,
    epochs: 1,
    stepsPerEpoch: 3,
    batchSize: 4,
    validUsers: 8,
    beams: 4,
    maxHistory: 3,
    testTemplates: 'first',
  },
  dataset: 'synthetic',
  datasetConfig: { numUsers: 30, numItems: 20, maxLength: 8 },
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
  ...extra,
});

describe('a run on corrupted backbone weights', () => {
  it('stops with E_NUMERIC naming the garbage, leaves a resumable run folder, and --resume on repaired weights finishes', async () => {
    // stories260K.bin (llama2.c: a 7 × int32 header, then float32 weights) with its first transformer weights NaN
    const weights = join(tmp, 'garbage.bin');
    const bytes = readFileSync(WEIGHTS);
    const f = new Float32Array(bytes.buffer, bytes.byteOffset + 28, (bytes.length - 28) / 4);
    const dim = 64;
    const vocab = 512;
    f.fill(Number.NaN, vocab * dim, vocab * dim + 5 * dim + 1000); // attention norms of the 5 layers and the start of wq
    writeFileSync(weights, bytes);
    const out = join(tmp, 'run');
    const err = await runExperiment(options(out, weights)).catch((e: unknown) => e);
    expect(RecError.is(err, 'E_NUMERIC')).toBe(true);
    expect((err as RecError).message).toMatch(/ed2: the item text features the backbone encoded hold \d+ NaN or infinite values/);
    expect((err as RecError).hint).toMatch(/--backbone weights file/);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(run.status).toBe('failed');
    expect(run.error.code).toBe('E_NUMERIC');
    expect(existsSync(join(out, 'metrics.json'))).toBe(false);
    expect(existsSync(join(out, 'checkpoint', 'features'))).toBe(false); // nothing of the garbage was checkpointed
    // the folder resumes: same experiment (same weights path), once the file holds real weights again
    copyFileSync(WEIGHTS, weights);
    const r = await runExperiment(options(out, weights, { resume: true }));
    expect(Object.values(r.test.metrics).every(Number.isFinite)).toBe(true);
    const history = JSON.parse(readFileSync(join(out, 'train-history.json'), 'utf8')) as { loss: number }[];
    expect(history.map((h) => Number.isFinite(h.loss))).toEqual([true]);
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'))).toMatchObject({ status: 'done', attempts: 2 });
  });
});
