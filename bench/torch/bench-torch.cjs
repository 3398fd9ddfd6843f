#!/usr/bin/env node
// The torch backbone, measured (issue 16), from the built packages (npx tsc -b tsconfig.build.json first):
//  A. the LoRA step through our worker (TorchBackbone: response NLL in the caller's tape, gradients of the LoRA
//     weights back to TypeScript, AdamW there, weights sent back) vs a plain PyTorch + PEFT script of the same
//     model and batch (bench/torch/peft_step.py, both modes), same machine, same run, same thread count;
//  B. the ED² joint step (rec run --model ed2 on a small synthetic corpus) with the torch backbone vs the tfjs
//     backbone (`llama`, native TensorFlow CPU), same model size and schedule: median seconds per joint step.
// Usage (repo root): node bench/torch/bench-torch.cjs [--threads 2] [--steps 6] [--ed2-steps 12] [--ed2-threads 1]
// Writes bench/torch/results.json and prints both tables.
require('reflect-metadata');
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { tmpdir, loadavg, cpus } = require('node:os');
const { performance } = require('node:perf_hooks');
const root = join(__dirname, '..', '..');
const core = require(join(root, 'packages/core/dist/index.js'));
const bb = require(join(root, 'packages/backbones/dist/index.js'));
const { buildRegistry, runExperiment } = require(join(root, 'packages/cli/dist/index.js'));
const tf = require('@tensorflow/tfjs-core');

const arg = (n, d) => (process.argv.includes(`--${n}`) ? process.argv[process.argv.indexOf(`--${n}`) + 1] : d);
const threads = Number(arg('threads', '2'));
const steps = Number(arg('steps', '6'));
const ed2Steps = Number(arg('ed2-steps', '12'));
const TOKENIZER = join(root, '..', 'shared/models/llama2-tokenizer/tokenizer.json');
const B = 8, P = 64, R = 64;
const python = bb.findPython().python;
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

/** Our LoRA step: returns `step()` (one timed step, seconds) and `close()`. */
async function ourLoraStepper() {
  const cfg = bb.TorchBackboneConfig.parse({
    model: { dim: 256, nLayers: 4, nHeads: 8, nKvHeads: 8, hiddenDim: 688, vocabSize: 32000, maxSeqLen: 256, tiedEmbeddings: true },
    tokenizer: TOKENIZER, finetune: 'lora', lora: { rank: 8, alpha: 16, dropout: 0, targets: ['q', 'k', 'v', 'o'] }, seed: 0, threads, exclusive: true,
  });
  const b = await bb.createTorchBackbone(cfg, { seed: 0 });
  const rng = new core.Rng('bench-torch');
  const batch = Array.from({ length: B }, () => ({ prompt: Array.from({ length: P }, () => 3 + rng.int(31997)), response: Array.from({ length: R }, () => 3 + rng.int(31997)) }));
  const vars = Object.values(b.trainableVariables());
  const opt = new core.AdamW({ learningRate: 1e-3, weightDecay: 0 });
  let loss = 0;
  const one = () => {
    const t0 = performance.now();
    const { value, grads } = tf.variableGrads(() => { const r = b.responseNllSum(batch, { training: true }); return tf.div(r.sum, r.tokens); }, vars);
    opt.applyGradients(grads);
    b.markUpdated();
    loss = value.dataSync()[0];
    tf.dispose([value, ...Object.values(grads)]);
    return (performance.now() - t0) / 1000;
  };
  one(); one();
  const params = b.parameterCount();
  return { step: one, loss: () => loss, params, close: () => { b.dispose(); opt.dispose(); } };
}

/** A peer process (peft_step.py --serve) that takes one timed step per request. */
function peerStepper(mode) {
  const { spawn } = require('node:child_process');
  const c = spawn(python, [join(__dirname, 'peft_step.py'), '--serve', '--threads', String(threads), '--mode', mode, '--batch', String(B), '--prompt', String(P), '--response', String(R)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let buf = '';
  const waiting = [];
  c.stdout.on('data', (d) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) { const line = buf.slice(0, i); buf = buf.slice(i + 1); waiting.shift()?.(JSON.parse(line)); }
  });
  const next = () => new Promise((res) => waiting.push(res));
  const ready = next();
  return { ready, step: async () => { const p = next(); c.stdin.write('step\n'); return p; }, close: () => c.stdin.end() };
}

/** Seconds per joint step of an ED² run with the given backbone: median gap between the step ticks of epoch 1. */
async function ed2Step(backbone) {
  const dir = mkdtempSync(join(tmpdir(), `bench-torch-ed2-${backbone.name}-`));
  const model = { dim: 128, nLayers: 2, nHeads: 4, nKvHeads: 4, hiddenDim: 344, maxSeqLen: 256 };
  const branch = { levels: 3, codebookSize: 16, codeDim: 16, batchSize: 64, initSamples: 64 };
  const events = new core.EventBus();
  const ticks = [];
  events.on((e) => { if (e.type === 'progress' && e.id === 'train/ed2' && e.label.startsWith('epoch 1/')) ticks.push(performance.now()); });
  try {
    await runExperiment({
      model: 'ed2',
      modelConfig: { backbone: { name: backbone.name, options: { model, ...backbone.options } }, itemIndexer: { name: 'hvqae', options: branch }, userIndexer: { name: 'hvqae', options: branch }, warmupEpochs: 1, epochs: 1, stepsPerEpoch: ed2Steps, batchSize: 16, validUsers: 8, beams: 5, maxHistory: 5, reindexEvery: 1000 },
      dataset: 'synthetic', datasetConfig: { numUsers: 80, numItems: 60, maxLength: 12 }, seed: 3, backend: 'tensorflow', out: join(dir, 'run'), resume: false,
      ks: [10], excludeSeen: false, evalBatchSize: 64, registry: buildRegistry(), events, signal: new globalThis.AbortController().signal,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const gaps = ticks.slice(2).map((t, i) => (t - ticks[i + 1]) / 1000); // drop the bar's start and the first step
  return { stepSeconds: median(gaps), steps: gaps.length };
}

(async () => {
  await core.initBackend({ backend: 'tensorflow' });
  if (process.argv.includes('--ed2-torch-only')) {
    // profiling aid: ED2_TORCH_PROFILE=1 REC_TORCH_ECHO=1 node bench/torch/bench-torch.cjs --ed2-torch-only [--finetune lora]
    const t0 = performance.now();
    const r = await ed2Step({ name: 'torch', options: { threads, ...(arg('finetune', '') ? { finetune: arg('finetune', '') } : {}) } });
    console.log(JSON.stringify({ ...r, wallSeconds: (performance.now() - t0) / 1000 }));
    return;
  }
  const started = new Date().toISOString();
  const load0 = loadavg()[0];
  // A: the three engines take their timed steps interleaved (ours, PEFT usual, PEFT response-only, repeat), so a
  // change of the machine's load hits all three alike; medians per engine
  const full = peerStepper('full');
  const response = peerStepper('response');
  await Promise.all([full.ready, response.ready]);
  const mine = await ourLoraStepper();
  const t = { ours: [], full: [], response: [] };
  let lossFull = 0, lossResp = 0;
  for (let i = 0; i < steps; i++) {
    t.ours.push(mine.step());
    const f = await full.step(); t.full.push(f.stepSeconds); lossFull = f.loss;
    const r = await response.step(); t.response.push(r.stepSeconds); lossResp = r.loss;
  }
  full.close(); response.close();
  const ours = { stepSeconds: median(t.ours), tokPerS: (B * (P + R)) / median(t.ours), loss: mine.loss(), trainable: mine.params.trainable, total: mine.params.total, stepsSeconds: t.ours };
  mine.close();
  const peerOf = (xs, loss, mode) => ({ mode, stepSeconds: median(xs), tokPerS: (B * (P + R)) / median(xs), loss, stepsSeconds: xs });
  const fullR = peerOf(t.full, lossFull, 'full');
  const responseR = peerOf(t.response, lossResp, 'response');
  // the worker's torch threads in the ED² step (--ed2-threads, default --threads): on a loaded 2-core machine
  // 2 OpenMP threads per tiny op spin against each other (see README)
  const ed2Threads = Number(arg('ed2-threads', String(threads)));
  const ed2Torch = await ed2Step({ name: 'torch', options: { threads: ed2Threads } });
  const ed2Tfjs = await ed2Step({ name: 'llama', options: {} });
  const env = bb.probeTorchEnvironment();
  const result = {
    started, finished: new Date().toISOString(), loadAverage: [load0, loadavg()[0]], cpus: cpus().length, threads,
    python: env.pythonVersion, torch: env.torch, transformers: env.transformers, peft: env.peft, node: process.version,
    loraStep: { model: 'LLaMA dim 256, 4 layers, 8 heads, hidden 688, vocab 32000 (tied), random init; PEFT LoRA r=8 alpha=16 q,k,v,o', batch: `${B} × (${P} prompt + ${R} response)`, steps,
      interleaved: true, ours, peftFull: fullR, peftResponse: responseR, ratioVsFull: ours.tokPerS / fullR.tokPerS, ratioVsResponse: ours.tokPerS / responseR.tokPerS },
    ed2JointStep: { torchThreads: ed2Threads, model: 'LLaMA dim 128, 2 layers, 4 heads, hidden 344 (random init, full fine-tuning); hvqae 3×16 both branches; batch 16; synthetic 80 users / 60 items', torch: ed2Torch, tfjs: ed2Tfjs, torchOverTfjs: ed2Torch.stepSeconds / ed2Tfjs.stepSeconds },
  };
  writeFileSync(join(__dirname, 'results.json'), JSON.stringify(result, null, 2) + '\n');
  const f = (x, d = 0) => x.toFixed(d);
  console.log('| LoRA step | s/step | tok/s | ours ÷ it |');
  console.log('|---|---|---|---|');
  console.log(`| torch backbone (our worker) | ${f(ours.stepSeconds, 3)} | ${f(ours.tokPerS)} | – |`);
  console.log(`| plain PEFT, model(ids, labels) | ${f(fullR.stepSeconds, 3)} | ${f(fullR.tokPerS)} | ${f(result.loraStep.ratioVsFull, 2)} |`);
  console.log(`| plain PEFT, head on response only | ${f(responseR.stepSeconds, 3)} | ${f(responseR.tokPerS)} | ${f(result.loraStep.ratioVsResponse, 2)} |`);
  console.log('\n| ED² joint step | s/step (median of', ed2Torch.steps, ') |');
  console.log('|---|---|');
  console.log(`| torch backbone | ${f(ed2Torch.stepSeconds, 3)} |`);
  console.log(`| tfjs backbone (llama, tensorflow CPU) | ${f(ed2Tfjs.stepSeconds, 3)} |`);
  console.log(`load average ${load0.toFixed(2)} → ${loadavg()[0].toFixed(2)}`);
})().catch((e) => { console.error(e); process.exit(1); });
