/**
 * LoRA train-step and forward throughput of the LLaMA backbone vs a PyTorch peer (torch_llama.py) running the
 * same model and step in the same run. Usage (from the repo root):
 *   node bench/llama/run.cjs [--backend tensorflow|wasm|cpu] [--steps 3] [--vocab 32000] [--threads 2]
 * Writes bench/llama/results-<backend>-<vocab>.json and prints a table.
 */
import * as tf from '@tensorflow/tfjs-core';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { AdamW, Rng, ensureGradients } from '@ed2/core';
import { LlamaConfig, LlamaModel, applyLora, lmTrainStep, type PromptResponse } from '@ed2/backbones';

/**
 * PyTorch runs twice: `torch` with its defaults and `torchTuned` with PyTorch's documented CPU tuning and no code
 * change (jemalloc preloaded, passive OpenMP waiting); ratios are against the faster of the two.
 */
const JEMALLOC = '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2';
const TUNED_ENV: Record<string, string> = {
  ...(existsSync(JEMALLOC) ? { LD_PRELOAD: JEMALLOC, MALLOC_CONF: 'dirty_decay_ms:-1,muzzy_decay_ms:-1' } : {}),
  OMP_WAIT_POLICY: 'PASSIVE',
};
type TorchResult = { trainTokPerS: number; forwardTokPerS: number; peakRssMiB: number; version: string } | { error: string };

function runTorch(steps: number, threads: number, vocab: number, env: Record<string, string>): TorchResult {
  try {
    const out = execFileSync('python3', [path.resolve('bench/llama/torch_llama.py'), '--steps', String(steps), '--threads', String(threads), '--vocab', String(vocab)], { encoding: 'utf8', env: { ...process.env, ...env } });
    return JSON.parse(out.trim().split('\n').pop()!);
  } catch (e) {
    return { error: String((e as Error).message).slice(0, 300) };
  }
}

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}

async function selectBackend(name: string): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (name === 'tensorflow') require('@tensorflow/tfjs-node');
  else if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(path.resolve('node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
  } else await import('@tensorflow/tfjs-backend-cpu');
  ensureGradients();
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} unavailable`);
  await tf.ready();
}

async function main(): Promise<void> {
  const backend = arg('backend', 'cpu');
  const steps = Number(arg('steps', '3'));
  const threads = Number(arg('threads', '2'));
  const vocab = Number(arg('vocab', '32000'));
  const [batch, seq, rank] = [8, 128, 8];
  await selectBackend(backend);
  const config = LlamaConfig.parse({ dim: 256, nLayers: 4, nHeads: 8, nKvHeads: 8, hiddenDim: 688, vocabSize: vocab, maxSeqLen: 256, tiedEmbeddings: true });
  const model = new LlamaModel(config, undefined, new Rng(0));
  applyLora(model, { rank, alpha: 16, dropout: 0, targets: ['q', 'k', 'v', 'o'] }, new Rng(1));
  const rng = new Rng(2);
  // prompt 64 + response 65 tokens → inputs of exactly seq=128, loss over the response half
  const pairs: PromptResponse[] = Array.from({ length: batch }, () => ({
    prompt: Array.from({ length: 64 }, () => rng.int(vocab)),
    response: Array.from({ length: seq + 1 - 64 }, () => rng.int(vocab)),
  }));
  const opt = new AdamW({ learningRate: 1e-3, weightDecay: 0.01 });
  lmTrainStep(model, opt, pairs); // warm-up
  const n0 = tf.memory().numTensors;
  let t = performance.now();
  for (let i = 0; i < steps; i++) lmTrainStep(model, opt, pairs);
  const trainS = (performance.now() - t) / 1000;
  const leaked = tf.memory().numTensors - n0;
  const ids = tf.tensor2d(pairs.map((p) => [...p.prompt, ...p.response].slice(0, seq)), undefined, 'int32');
  const fwd = (): void => {
    // like the PyTorch peer, compute the full logits without copying them to the host (131 MB at vocab 32000);
    // reading one element waits for the result on asynchronous backends
    const logits = model.forward(ids);
    const one = tf.slice(logits, [0, 0, 0], [1, 1, 1]);
    one.dataSync();
    one.dispose();
    logits.dispose();
  };
  fwd();
  t = performance.now();
  for (let i = 0; i < steps; i++) fwd();
  const fwdS = (performance.now() - t) / 1000;
  const tfjs = {
    trainTokPerS: (batch * seq * steps) / trainS,
    forwardTokPerS: (batch * seq * steps) / fwdS,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    leakedTensorsPerStep: leaked / steps,
  };
  ids.dispose();
  model.dispose();
  const torchDefault = runTorch(steps, threads, vocab, {});
  const torchTuned = runTorch(steps, threads, vocab, TUNED_ENV);
  const ok = [torchDefault, torchTuned].filter((r): r is Exclude<TorchResult, { error: string }> => 'trainTokPerS' in r);
  const best = ok.length ? { trainTokPerS: Math.max(...ok.map((r) => r.trainTokPerS)), forwardTokPerS: Math.max(...ok.map((r) => r.forwardTokPerS)) } : undefined;
  const ratio = best ? { train: tfjs.trainTokPerS / best.trainTokPerS, forward: tfjs.forwardTokPerS / best.forwardTokPerS } : undefined;
  const torch = { default: torchDefault, tuned: torchTuned, tunedEnv: TUNED_ENV, best };
  const result = { date: new Date().toISOString(), loadAverage: (await import('node:os')).loadavg(), backend, threads, steps, model: { ...config, batch, seq, loraRank: rank, loraTargets: 'q,k,v,o' }, tfjs, torch, ratio };
  writeFileSync(path.join(arg('out', 'bench/llama'), `results-${backend}-${vocab}.json`), JSON.stringify(result, null, 2) + '\n');
  const f = (x: number) => x.toFixed(0);
  console.log(`| backend | vocab | train tok/s | fwd tok/s | peak RSS MiB | torch train (default / tuned) | torch fwd (default / tuned) | train ratio | fwd ratio |`);
  console.log(`|---|---|---|---|---|---|---|---|---|`);
  const pair = (k: 'trainTokPerS' | 'forwardTokPerS') => [torchDefault, torchTuned].map((r) => ('trainTokPerS' in r ? f(r[k]) : '-')).join(' / ');
  console.log(`| ${backend} | ${vocab} | ${f(tfjs.trainTokPerS)} | ${f(tfjs.forwardTokPerS)} | ${f(tfjs.peakRssMiB)} | ${pair('trainTokPerS')} | ${pair('forwardTokPerS')} | ${ratio ? ratio.train.toFixed(2) : '-'} | ${ratio ? ratio.forward.toFixed(2) : '-'} |`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
