/**
 * LoRA train-step and forward throughput of the LLaMA backbone vs a PyTorch peer (torch_llama.py) running the
 * same model and step in the same run. Usage (from the repo root):
 *   node bench/llama/run.cjs [--backend tensorflow|wasm|cpu] [--steps 3] [--vocab 32000] [--threads 2]
 * Writes bench/llama/results-<backend>.json and prints a table.
 */
import * as tf from '@tensorflow/tfjs-core';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { AdamW, Rng, ensureGradients } from '@ed2/core';
import { LlamaConfig, LlamaModel, applyLora, lmTrainStep, type PromptResponse } from '@ed2/backbones';

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
    const logits = model.forward(ids);
    logits.dataSync(); // outside tf.tidy: a returned TypedArray would be walked element by element
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
  let torch: { trainTokPerS: number; forwardTokPerS: number; peakRssMiB: number; version: string } | { error: string };
  try {
    const out = execFileSync('python3', [path.resolve('bench/llama/torch_llama.py'), '--steps', String(steps), '--threads', String(threads), '--vocab', String(vocab)], { encoding: 'utf8' });
    torch = JSON.parse(out.trim().split('\n').pop()!);
  } catch (e) {
    torch = { error: String((e as Error).message).slice(0, 300) };
  }
  const ratio = 'trainTokPerS' in torch
    ? { train: tfjs.trainTokPerS / torch.trainTokPerS, forward: tfjs.forwardTokPerS / torch.forwardTokPerS }
    : undefined;
  const result = { date: new Date().toISOString(), backend, threads, steps, model: { ...config, batch, seq, loraRank: rank, loraTargets: 'q,k,v,o' }, tfjs, torch, ratio };
  writeFileSync(path.join(arg('out', 'bench/llama'), `results-${backend}.json`), JSON.stringify(result, null, 2) + '\n');
  const f = (x: number) => x.toFixed(0);
  console.log(`| backend | train tok/s | fwd tok/s | peak RSS MiB | torch train | torch fwd | torch RSS | train ratio | fwd ratio |`);
  console.log(`|---|---|---|---|---|---|---|---|---|`);
  const tr = 'trainTokPerS' in torch ? torch : undefined;
  console.log(`| ${backend} | ${f(tfjs.trainTokPerS)} | ${f(tfjs.forwardTokPerS)} | ${f(tfjs.peakRssMiB)} | ${tr ? f(tr.trainTokPerS) : '-'} | ${tr ? f(tr.forwardTokPerS) : '-'} | ${tr ? f(tr.peakRssMiB) : '-'} | ${ratio ? ratio.train.toFixed(2) : '-'} | ${ratio ? ratio.forward.toFixed(2) : '-'} |`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
