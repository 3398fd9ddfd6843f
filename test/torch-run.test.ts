import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EventBus, RecError } from '@ed2/core';
import { buildRegistry, runExperiment, type ExperimentOptions } from '@ed2/cli';
import { afterAll, describe, expect, it } from 'vitest';

const tmp = mkdtempSync(join(tmpdir(), 'rec-torch-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const corpus = { numUsers: 60, numItems: 24, maxLength: 10 };
const branch = { levels: 2, codebookSize: 6, codeDim: 8, batchSize: 32, initSamples: 32 };
/** ED² with the backbone in a PyTorch worker: a 1-layer LLaMA of width 32 (full fine-tuning, random init), a tiny schedule. */
const ed2Torch = {
  backbone: { name: 'torch', options: { model: { dim: 32, nLayers: 1, nHeads: 2, nKvHeads: 2, hiddenDim: 64, maxSeqLen: 256 }, threads: 1 } },
  itemIndexer: { name: 'hvqae', options: branch },
  userIndexer: { name: 'hvqae', options: branch },
  warmupEpochs: 2,
  epochs: 2,
  stepsPerEpoch: 6,
  batchSize: 8,
  learningRate: 3e-3,
  validUsers: 12,
  beams: 6,
  maxHistory: 4,
  checkpointEvery: 3,
  reindexEvery: 4,
};

const options = (out: string, extra: Partial<ExperimentOptions> = {}): ExperimentOptions => ({
  model: 'ed2', modelConfig: ed2Torch, dataset: 'synthetic', datasetConfig: corpus, seed: 11, backend: 'auto', out, resume: false,
  ks: [1, 5, 10], excludeSeen: false, evalBatchSize: 32, registry: buildRegistry(), events: new EventBus(), signal: new AbortController().signal, ...extra,
});

const json = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON files read in tests

/** This process's torch worker children (the run's backbone worker), by /proc. */
function workerChildren(): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('ed2_torch_worker')) out.push(Number(d));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

describe('rec run --model ed2 with --backbone torch (PyTorch worker, end to end)', () => {
  const full = join(tmp, 'full');

  it('trains ED² through the torch backbone and writes every output', async () => {
    const r = await runExperiment(options(full));
    const cfg = json(full, 'config.json');
    expect(cfg.modelConfig.backbone.name).toBe('torch');
    expect(cfg.modelConfig.backbone.options).toMatchObject({ finetune: 'auto', workers: 1 });
    const h = json(full, 'train-history.json') as { loss: number; terms: Record<string, number> }[];
    expect(h.length).toBe(2);
    for (const e of h) expect(Number.isFinite(e.loss)).toBe(true);
    expect(h[0].terms).toHaveProperty('llm');
    expect(h[0].terms).toHaveProperty('id');
    expect(h[1].terms.llm).toBeLessThan(h[0].terms.llm); // the worker's weights and the rows learn
    expect(r.test.metrics['hr@10']).toBeGreaterThanOrEqual(0);
    expect(json(full, 'run.json').status).toBe('done');
  });

  it('a worker SIGKILLed mid joint training stops the run with a named error; --resume finishes it at the uninterrupted metrics', async () => {
    const out = join(tmp, 'killed');
    const events = new EventBus();
    let killed: number | undefined;
    events.on((e) => {
      // kill in epoch 1 after step 4 (checkpoint at step 3)
      if (killed === undefined && e.type === 'progress' && e.id === 'train/ed2' && e.label.startsWith('epoch 1/') && e.current >= 4) {
        const [pid] = workerChildren();
        if (pid) {
          killed = pid;
          process.kill(pid, 'SIGKILL');
        }
      }
    });
    const err = await runExperiment(options(out, { events })).catch((e: unknown) => e);
    expect(killed).toBeDefined();
    expect(RecError.is(err, 'E_WORKER')).toBe(true);
    expect((err as Error).message).toMatch(/torch worker .* exited \(signal SIGKILL\)/);
    expect((err as Error).message).toMatch(/ready on cpu/); // its last stderr
    expect((err as RecError).hint).toMatch(/--resume/);
    const logs: string[] = [];
    const resumeEvents = new EventBus();
    resumeEvents.on((e) => {
      if (e.type === 'log') logs.push(e.message);
    });
    const again = await runExperiment(options(out, { resume: true, events: resumeEvents }));
    expect(logs.some((m) => /resumed at epoch 1, step 3\b/.test(m))).toBe(true);
    expect(again.test.metrics).toEqual(json(full, 'metrics.json').test);
    expect(json(out, 'run.json').status).toBe('done');
  });
});

// The installed `rec` binary (packages/cli/bin/run.js → dist).
const BIN = resolve(__dirname, '../packages/cli/bin/run.js');
const MODELS = resolve(__dirname, '../../shared/models/stories260K');
/** Runs `rec` without blocking this process (a blocked test worker misses vitest's heartbeats). */
function rec(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const c = spawn(process.execPath, [BIN, ...args], { cwd: tmp, env: { ...process.env, FORCE_COLOR: '0' } });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    c.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    c.on('close', (status) => res({ status, stdout, stderr }));
  });
}

describe('rec binary with the torch backbone', () => {
  it('rec run --backbone torch:<stories260K weights> trains ED² with PEFT LoRA in the worker on a tiny budget', async () => {
    for (const f of ['stories260K.bin', 'tok512.bin']) if (!existsSync(join(MODELS, f))) throw new Error(`missing test model file ${join(MODELS, f)} (see /work/shared/models/README.md)`);
    const out = join(tmp, 'cli');
    const r = await rec('run', '--backbone', `torch:${join(MODELS, 'stories260K.bin')}`, '--tokenizer', join(MODELS, 'tok512.bin'), '--dataset', 'synthetic', '--dataset-set', 'numUsers=40', '--dataset-set', 'numItems=16', '--dataset-set', 'maxLength=8',
      '--epochs', '1', '--set', 'stepsPerEpoch=3', '--set', 'warmupEpochs=1', '--set', 'batchSize=4', '--set', 'maxHistory=3', '--valid-users', '6', '--beam', '4', '--index-length', '2', '--codebook-size', '4', '--set', 'backbone.threads=1', '--out', out, '--json');
    expect(r.status, r.stderr).toBe(0);
    const cfg = json(out, 'config.json');
    expect(cfg.modelConfig.backbone).toMatchObject({ name: 'torch', options: { weights: join(MODELS, 'stories260K.bin'), finetune: 'auto' } });
    const h = json(out, 'train-history.json') as { loss: number }[];
    expect(h.length).toBe(1);
    expect(Number.isFinite(h[0].loss)).toBe(true);
    expect((JSON.parse(r.stdout) as { test: Record<string, number> }).test).toHaveProperty('hr@10');
  });

  it('rec doctor reports the worker\'s python, torch, transformers and peft versions and devices', async () => {
    const r = await rec('doctor', '--json');
    expect(r.status, r.stderr).toBe(0);
    const d = (JSON.parse(r.stdout) as { torch: { python: string; torch: string; peft: string; transformers: string; pythonVersion: string; devices: string[]; missing: string[] } }).torch;
    // the versions as the interpreter itself reports them
    const py = (JSON.parse(execFileSync(d.python, ['-c', 'import json,platform,torch,peft,transformers;print(json.dumps([platform.python_version(),torch.__version__,peft.__version__,transformers.__version__]))'], { encoding: 'utf8' })) as string[]);
    expect([d.pythonVersion, d.torch, d.peft, d.transformers]).toEqual(py);
    expect(d.missing).toEqual([]);
    expect(d.devices[0]).toBe('cpu');
  });
});
