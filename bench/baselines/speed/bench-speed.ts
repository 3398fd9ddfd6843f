/**
 * SASRec training throughput and full-ranking evaluation time of @ed2/baselines' SasRec vs a PyTorch peer
 * (torch_sasrec.py, same model, settings, pairs and batches) in the same run, on amazon-instruments.
 * Usage (repo root): node bench/baselines/speed/run.cjs [--backend auto|tensorflow|wasm|cpu] [--steps 30]
 *   [--rounds 2] [--warmup 3] [--max-train-s 60] [--sides ours,torch,torchTuned] [--no-check]
 * Other roles (one process, JSON to stdout): --role ours, --role check, --role profile.
 * Measurements alternate ours, torch, ours, torch (one fresh process each, so drift hits both sides alike);
 * writes bench/baselines/speed/results-<backend>.json and prints a table. Before timing, `check` exports our
 * weights and eval scores and the PyTorch model, loaded with them, must reproduce our scores and loss.
 */
import * as tf from '@tensorflow/tfjs-core';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AdamW, Rng, initBackend, type BackendName, type EvalCase } from '@ed2/core';
import { SasRec, padLeft, sasrecConfig, trainingPairs } from '@ed2/baselines';
import { Evaluator } from '@ed2/eval';
import { profileStep } from './profile-step';

const DATA = path.resolve('../shared/datasets/amazon-instruments/Instruments.inter.json');
const HERE = path.resolve('bench/baselines/speed');
const WORK = path.resolve('bench/.work/speed-check');
const EVAL_BATCH = 512;
/**
 * `torchTuned`: the same torch_sasrec.py with PyTorch's documented CPU tuning, no code change: jemalloc (keeps
 * freed pages; a fresh 500 MB allocation costs seconds of page faults on this VM) and passive OpenMP waiting
 * (spinning threads starve each other when other processes hold the cores).
 */
const JEMALLOC = '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2';
const TUNED_ENV: Record<string, string> = {
  ...(existsSync(JEMALLOC) ? { LD_PRELOAD: JEMALLOC, MALLOC_CONF: 'dirty_decay_ms:-1,muzzy_decay_ms:-1' } : {}),
  OMP_WAIT_POLICY: 'PASSIVE',
};

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}

interface Data {
  numItems: number;
  inputs: Int32Array;
  targets: Int32Array;
  pairs: number;
  test: EvalCase[];
}

/** Leave-one-out on Instruments: training part = all but the last two items; test = last item from the rest. */
function loadData(maxLen: number): Data {
  const raw = JSON.parse(readFileSync(DATA, 'utf8')) as Record<string, number[]>;
  const seqs = Object.keys(raw).sort((a, b) => Number(a) - Number(b)).map((k) => raw[k]);
  const numItems = 1 + Math.max(...seqs.map((s) => Math.max(...s)));
  const pairs = trainingPairs(seqs.map((s) => s.slice(0, -2)));
  const test = seqs.map((s, user) => ({ user, history: s.slice(0, -1), target: s[s.length - 1] }));
  return { numItems, inputs: padLeft(pairs.inputs, maxLen), targets: padLeft(pairs.targets, maxLen), pairs: pairs.inputs.length, test };
}

function makeModel(numItems: number, dropout?: number): SasRec {
  const cfg = sasrecConfig.parse(dropout === undefined ? {} : { dropout });
  return new SasRec({ ...cfg, numItems }, new Rng(0));
}

/** As the trainer does: drop the leading columns that are padding in every row of the batch. */
function trimBatch(x: Int32Array, y: Int32Array, b: number, maxLen: number): { x: Int32Array; y: Int32Array; width: number } {
  let first = maxLen - 1;
  for (let r = 0; r < b; r++) for (let c = 0; c < first; c++) if (x[r * maxLen + c] !== 0) first = c;
  const width = maxLen - first;
  const cut = (a: Int32Array) => Int32Array.from({ length: b * width }, (_, k) => a[Math.floor(k / width) * maxLen + first + (k % width)]);
  return first === 0 ? { x, y, width } : { x: cut(x), y: cut(y), width };
}

/**
 * Full-ranking pessimistic-tie ranks of every test case through the product's `Evaluator` (batches of 512 grouped
 * by history length, `model.score` + `ranksFromScores`; SASRec scores each batch at its longest history).
 */
async function evaluate(model: SasRec, cases: readonly EvalCase[]): Promise<Int32Array> {
  const r = await new Evaluator({ batchSize: EVAL_BATCH, ks: [10], metrics: ['hr'] }).evaluate(model, cases);
  return r.ranks;
}

/** One measurement of our side: `warmup` + `steps` training steps exactly as the trainer runs them, then evaluation. */
async function measureOurs(): Promise<Record<string, unknown>> {
  const maxSteps = Number(arg('steps', '30'));
  const maxSeconds = Number(arg('max-train-s', '60'));
  const warmup = Number(arg('warmup', '3'));
  const backend = await initBackend({ backend: arg('backend', 'auto') as BackendName });
  const data = loadData(50);
  const m = makeModel(data.numItems);
  const { batchSize: bs, maxLen, learningRate, weightDecay } = m.config;
  const optimizer = new AdamW({ learningRate, weightDecay });
  const vars = Object.values(m.variables);
  const rng = new Rng(1);
  const nb = Math.ceil(data.pairs / bs);
  const step = async (i: number): Promise<{ loss: number; b: number }> => {
    const start = (i % nb) * bs;
    const b = Math.min(bs, data.pairs - start);
    const seed = rng.tfSeed();
    const batch = trimBatch(data.inputs.subarray(start * maxLen, (start + b) * maxLen), data.targets.subarray(start * maxLen, (start + b) * maxLen), b, maxLen);
    const loss = tf.tidy(() => {
      const x = tf.tensor2d(batch.x, [b, batch.width], 'int32');
      const y = tf.tensor2d(batch.y, [b, batch.width], 'int32');
      return optimizer.step(() => m.loss(x, y, undefined, seed), vars);
    });
    const value = (await loss.data())[0];
    loss.dispose();
    return { loss: value, b };
  };
  const firstLoss = (await step(0)).loss;
  for (let i = 1; i < warmup; i++) await step(i);
  const tensors0 = tf.memory().numTensors;
  let t = performance.now();
  let seqs = 0;
  let lastLoss = NaN;
  let steps = 0;
  while (steps < maxSteps && performance.now() - t < maxSeconds * 1000) {
    const r = await step(warmup + steps++);
    seqs += r.b;
    lastLoss = r.loss;
  }
  const trainSeconds = (performance.now() - t) / 1000;
  const leaked = tf.memory().numTensors - tensors0;
  await evaluate(m, data.test.slice(0, EVAL_BATCH)); // warm-up batch
  t = performance.now();
  const ranks = await evaluate(m, data.test);
  const evalSeconds = (performance.now() - t) / 1000;
  const params = m.parameterCount();
  optimizer.dispose();
  m.dispose();
  return {
    backend: backend.name, tfBackend: tf.getBackend(), steps, sequences: seqs, trainSeconds, seqPerS: seqs / trainSeconds,
    msPerStep: (1000 * trainSeconds) / steps, evalSeconds, evalUsers: data.test.length, firstLoss, lastLoss,
    hr10: ranks.reduce((s, r) => s + (r <= 10 ? 1 : 0), 0) / ranks.length, leakedTensors: leaked,
    peakRssMiB: process.resourceUsage().maxRSS / 1024, params,
  };
}

/** Export a dropout-0 model's variables, eval scores of 64 users and a loss to WORK for torch_sasrec.py --check. */
async function exportCheck(): Promise<void> {
  await initBackend({ backend: arg('backend', 'auto') as BackendName });
  const data = loadData(50);
  const m = makeModel(data.numItems, 0);
  mkdirSync(WORK, { recursive: true });
  const files: Record<string, string> = {};
  const shapes: Record<string, number[]> = {};
  Object.entries(m.variables).forEach(([name, v], i) => {
    files[name] = `v${i}.bin`;
    shapes[name] = v.shape;
    writeFileSync(path.join(WORK, files[name]), Buffer.from((v.dataSync() as Float32Array).buffer));
  });
  const users = Array.from({ length: 64 }, (_, i) => i * 331);
  const scores = m.score(users.map((u) => data.test[u]));
  writeFileSync(path.join(WORK, 'scores.bin'), Buffer.from((scores.dataSync() as Float32Array).buffer));
  scores.dispose();
  const rows = 16;
  const lossT = tf.tidy(() => m.loss(tf.tensor2d(data.inputs.subarray(0, rows * 50), [rows, 50], 'int32'), tf.tensor2d(data.targets.subarray(0, rows * 50), [rows, 50], 'int32'), undefined, 0));
  const unpad = (a: Int32Array) => Array.from({ length: rows }, (_, r) => Array.from(a.subarray(r * 50, (r + 1) * 50)).filter((x) => x > 0).map((x) => x - 1));
  const manifest = { files, shapes, users, loss: lossT.dataSync()[0], lossInputs: unpad(data.inputs), lossTargets: unpad(data.targets) };
  lossT.dispose();
  writeFileSync(path.join(WORK, 'manifest.json'), JSON.stringify(manifest));
  m.dispose();
}

/** Kernel profile of one training step and wall time of its phases (forward loss, + gradients, + AdamW update). */
async function profile(): Promise<Record<string, unknown>> {
  await initBackend({ backend: arg('backend', 'auto') as BackendName });
  const data = loadData(50);
  const m = makeModel(data.numItems);
  const optimizer = new AdamW({ learningRate: m.config.learningRate, weightDecay: m.config.weightDecay });
  const x = tf.tensor2d(data.inputs.subarray(0, 256 * 50), [256, 50], 'int32');
  const y = tf.tensor2d(data.targets.subarray(0, 256 * 50), [256, 50], 'int32');
  const vars = Object.values(m.variables);
  const time = (f: () => tf.Tensor, reps = Number(arg('reps', '3'))) => {
    f().dispose();
    const t = performance.now();
    for (let i = 0; i < reps; i++) tf.tidy(() => void f().dataSync()); // return nothing: tidy would walk a TypedArray
    return (performance.now() - t) / reps;
  };
  const phases = {
    forwardLossMs: time(() => m.loss(x, y, undefined, 3)),
    lossAndGradsMs: time(() => {
      const { value, grads } = tf.variableGrads(() => m.loss(x, y, undefined, 3), vars);
      Object.values(grads).forEach((g) => g.dataSync());
      return value;
    }),
    fullStepMs: time(() => optimizer.step(() => m.loss(x, y, undefined, 3), vars)),
    evalBatch512Ms: time(() => m.score(data.test.slice(0, EVAL_BATCH))),
  };
  const kernels = await profileStep(m, optimizer, x, y);
  const evalInfo = await tf.profile(async () => {
    await evaluate(m, data.test.slice(0, EVAL_BATCH));
  });
  const evalKernels = evalInfo.kernels
    .map((k) => ({ kernel: k.name, shapes: k.inputShapes.map((sh) => `[${sh.join(',')}]`).join(' '), ms: typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0 }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 10);
  tf.dispose([x, y]);
  optimizer.dispose();
  m.dispose();
  return { backend: tf.getBackend(), phases, kernels, evalKernels };
}

type Rec = Record<string, unknown>;

function lastJson(out: string): Rec {
  return JSON.parse(out.trim().split('\n').pop()!) as Rec;
}

const load = () => os.loadavg().map((x) => Number(x.toFixed(2)));

async function orchestrate(): Promise<void> {
  const backend = arg('backend', 'auto');
  const steps = arg('steps', '30');
  const warmup = arg('warmup', '3');
  const rounds = Number(arg('rounds', '2'));
  const cap = ['--max-train-s', arg('max-train-s', '60')];
  const self = [process.argv[1], '--backend', backend, '--steps', steps, '--warmup', warmup, ...cap];
  const py = [path.join(HERE, 'torch_sasrec.py'), '--data', DATA, '--steps', steps, '--warmup', warmup, ...cap];
  const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
    execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26, env: { ...process.env, ...env } });
  let check: Record<string, unknown> | undefined;
  if (!process.argv.includes('--no-check')) {
    run(process.execPath, [...self, '--role', 'check']);
    check = lastJson(run('python3', [...py, '--check', WORK]));
    console.error(`check: ${JSON.stringify(check)}`);
  }
  const sides = { ours: [] as Rec[], torch: [] as Rec[], torchTuned: [] as Rec[] };
  const which = arg('sides', 'ours,torch,torchTuned').split(',') as (keyof typeof sides)[];
  for (let r = 0; r < rounds; r++) {
    for (const side of which) {
      const before = load();
      const t = performance.now();
      const res = side === 'torch' ? lastJson(run('python3', py))
        : side === 'torchTuned' ? lastJson(run('python3', py, TUNED_ENV))
        : lastJson(run(process.execPath, [...self, '--role', 'ours']));
      Object.assign(res, { loadBefore: before, loadAfter: load(), wallSeconds: (performance.now() - t) / 1000 });
      sides[side].push(res);
      console.error(`round ${r + 1} ${side}: ${Number(res.seqPerS).toFixed(1)} seq/s (${String(res.steps)} steps), eval ${Number(res.evalSeconds).toFixed(2)} s, load ${before.join(' ')}`);
    }
  }
  // Time ratios ours / torch from the sums over rounds (training: seconds per sequence; evaluation: seconds).
  const sum = (xs: Rec[], k: string) => xs.reduce((a, x) => a + Number(x[k]), 0);
  const perSeq = (xs: Rec[]) => sum(xs, 'trainSeconds') / sum(xs, 'sequences');
  const evalS = (xs: Rec[]) => sum(xs, 'evalSeconds') / xs.length;
  const sideSummary = (xs: Rec[]) => (xs.length ? { seqPerS: 1 / perSeq(xs), evalSeconds: evalS(xs) } : undefined);
  const ratio = (xs: Rec[], ys: Rec[]) => (xs.length && ys.length ? { trainTimeRatio: perSeq(xs) / perSeq(ys), evalTimeRatio: evalS(xs) / evalS(ys) } : undefined);
  const summary = {
    ours: sideSummary(sides.ours), torch: sideSummary(sides.torch), torchTuned: sideSummary(sides.torchTuned),
    oursVsTorch: ratio(sides.ours, sides.torch), oursVsTorchTuned: ratio(sides.ours, sides.torchTuned),
    targets: { trainTimeRatio: 1.5, evalTimeRatio: 1 },
    torchTunedEnv: TUNED_ENV,
  };
  const machine = {
    cpu: os.cpus()[0]?.model, cores: os.cpus().length, memGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)), node: process.version,
    tfjs: tf.version_core, uptime: execFileSync('uptime', { encoding: 'utf8' }).trim(),
  };
  const settings = { dataset: 'amazon-instruments', model: 'sasrec dim 64, 2 layers, 2 heads, maxLen 50, dropout 0.3, pre-norm, CE over all items', batch: 256, evalBatch: EVAL_BATCH, optimizer: 'AdamW lr 1e-3, weight decay 0', steps: Number(steps), warmup: Number(warmup), rounds };
  const backendName = String(sides.ours[0]?.backend ?? backend);
  const result = { date: new Date().toISOString(), backend: backendName, settings, machine, check, summary, runs: sides };
  const file = path.join(HERE, `results-${backendName}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  const f = (x: number | undefined, d = 1) => (x === undefined ? '-' : x.toFixed(d));
  console.log(`| backend | side | seq/s | eval s | train time / torch | eval time / torch | train time / torch tuned | eval time / torch tuned |`);
  console.log(`|---|---|---|---|---|---|---|---|`);
  for (const k of ['ours', 'torch', 'torchTuned'] as const) {
    const v = summary[k];
    const [r, q] = k === 'ours' ? [summary.oursVsTorch, summary.oursVsTorchTuned] : [];
    if (v) console.log(`| ${backendName} | ${k} | ${f(v.seqPerS)} | ${f(v.evalSeconds, 2)} | ${f(r?.trainTimeRatio, 2)} | ${f(r?.evalTimeRatio, 2)} | ${f(q?.trainTimeRatio, 2)} | ${f(q?.evalTimeRatio, 2)} |`);
  }
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

async function main(): Promise<void> {
  const role = arg('role', 'run');
  if (role === 'ours') console.log(JSON.stringify(await measureOurs()));
  else if (role === 'check') await exportCheck();
  else if (role === 'profile') console.log(JSON.stringify(await profile(), null, 1));
  else await orchestrate();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
