import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { RecError, Rng } from '@ed2/core';
import { LLAMA_PRESETS, LlamaConfig } from '../llama/llama-config';
import { LlamaModel } from '../llama/llama-model';
import { detectLlamaFormat, loadLlamaWeights } from '../loaders/load-llama-weights';
import { saveLlamaSafetensors } from '../loaders/save-llama-safetensors';
import { loadTokenizer } from '../tokenizer/load-tokenizer';
import { readGgufTokenizer } from '../tokenizer/gguf-vocab-tokenizer';
import { WordTokenizer } from '../tokenizer/word-tokenizer';
import type { Tokenizer } from '../tokenizer/tokenizer';
import { findPython, requireTorchEnvironment, workerPythonPath } from './find-python';
import { SyncWorkerProcess } from './sync-worker-process';
import { TorchBackbone, type TorchModelInfo } from './torch-backbone';
import type { TorchBackboneConfig } from './torch-backbone-config';
import { TorchWorkerClient, TorchWorkerError } from './torch-worker-client';
import { TorchWorkerPool, bindEngine } from './torch-worker-pool';

export interface CreateTorchBackboneContext {
  /** Seed used when the config has none. */
  readonly seed: number;
  /** Texts a word-level vocabulary is learnt from (random init without a tokenizer). */
  readonly texts?: () => Iterable<string>;
}

/** The command that starts the worker: one process, or torchrun with N per machine (plus its rendezvous flags). */
export function workerCommand(python: string, config: Pick<TorchBackboneConfig, 'workers' | 'torchrun'>): { command: string; args: string[] } {
  if (config.workers <= 1 && config.torchrun.length === 0) return { command: python, args: ['-m', 'ed2_torch_worker'] };
  const rdzv = config.torchrun.some((a) => /^--(rdzv|nnodes|master)/.test(a)) ? [] : ['--standalone'];
  return { command: python, args: ['-m', 'torch.distributed.run', `--nproc_per_node=${config.workers}`, ...rdzv, ...config.torchrun, '-m', 'ed2_torch_worker'] };
}

/** Starts a worker and waits for its hello; a missing module becomes an error naming it and the install command. */
export async function startTorchWorker(config: Pick<TorchBackboneConfig, 'python' | 'workers' | 'torchrun' | 'startTimeout'>): Promise<TorchWorkerClient> {
  const { python, source } = findPython(config.python);
  const { command, args } = workerCommand(python, config);
  const proc = new SyncWorkerProcess({
    command,
    args,
    env: { PYTHONPATH: [workerPythonPath(), process.env.PYTHONPATH].filter(Boolean).join(':'), PYTHONUNBUFFERED: '1' },
    echoStderr: process.env.REC_TORCH_ECHO === '1',
  });
  try {
    return await TorchWorkerClient.start(proc, `${python} from ${source}, ${config.workers} worker${config.workers > 1 ? 's' : ''}`, config.startTimeout * 1000);
  } catch (e) {
    proc.close(1000);
    if (e instanceof TorchWorkerError && /No module named|could not start/.test(e.message)) requireTorchEnvironment(config.python);
    throw e;
  }
}

/** Where the worker reads Hugging Face weights from: the folder itself, or a .safetensors file's folder (config.json beside it). */
function hfFolder(p: string): string {
  const dir = statSync(p).isDirectory() ? p : dirname(p);
  if (!existsSync(join(dir, 'config.json'))) throw new RecError('E_DATA_MISSING', `'${dir}' has no config.json next to the safetensors weights`, { hint: 'Pass a Hugging Face model folder (config.json + *.safetensors).' });
  return dir;
}

async function resolveTokenizer(config: TorchBackboneConfig, ctx: CreateTorchBackboneContext, hfDir: string | undefined): Promise<Tokenizer> {
  if (config.tokenizer) return loadTokenizer(config.tokenizer);
  if (hfDir && existsSync(join(hfDir, 'tokenizer.json'))) return loadTokenizer(join(hfDir, 'tokenizer.json'));
  if (config.weights && (config.format === 'gguf' || (config.format === 'auto' && (await detectLlamaFormat(config.weights)) === 'gguf'))) return readGgufTokenizer(config.weights);
  if (config.weights) throw new RecError('E_CONFIG', `backbone weights '${config.weights}' need a tokenizer`, { hint: 'Pass --tokenizer <tokenizer.model | tokenizer.json | tokenizer.bin> (the one the weights were trained with).' });
  if (!ctx.texts) throw new RecError('E_CONFIG', 'a random-init torch backbone without a tokenizer needs texts to learn a word vocabulary from', { hint: 'Pass tokenizer: <path>, or create it inside a run (the corpus texts are used).' });
  return WordTokenizer.fromTexts(ctx.texts());
}

/**
 * Builds the `torch` backbone a validated config describes: the tokenizer (here), the weights (a Hugging Face
 * folder read by the worker; llama2.c / GGUF checkpoints converted to one in a temporary folder first, removed on
 * dispose) or a seeded random init from a preset, PEFT LoRA or full fine-tuning, in one worker or under torchrun.
 */
export async function createTorchBackbone(config: TorchBackboneConfig, ctx: CreateTorchBackboneContext): Promise<TorchBackbone> {
  for (const [what, p] of [['weights', config.weights], ['tokenizer', config.tokenizer]] as const) {
    if (p !== undefined && !existsSync(p)) throw new RecError('E_DATA_MISSING', `backbone ${what} '${p}' does not exist`, { hint: `Check the ${what} path (relative paths start at the working directory).` });
  }
  const seed = config.seed ?? ctx.seed;
  const format = config.weights ? (config.format === 'auto' ? await detectLlamaFormat(config.weights) : config.format) : undefined;
  const hfDir = format === 'safetensors' ? hfFolder(config.weights!) : undefined;
  const tokenizer = await resolveTokenizer(config, ctx, hfDir);
  let temp: string | undefined;
  let weightsDir = hfDir;
  let arch: LlamaConfig | undefined;
  if (config.weights && !hfDir) {
    const weights = await loadLlamaWeights(config.weights, format);
    const model = new LlamaModel(weights.config, weights, new Rng(seed).fork('init'));
    temp = mkdtempSync(join(tmpdir(), 'ed2-torch-weights-'));
    try {
      await saveLlamaSafetensors(model, temp);
    } finally {
      model.dispose();
    }
    weightsDir = temp;
  } else if (!config.weights) {
    const base = typeof config.model === 'string' ? LLAMA_PRESETS[config.model] : LlamaConfig.parse(config.model);
    arch = LlamaConfig.parse({ ...base, vocabSize: tokenizer.vocabSize, bosId: tokenizer.bosId, eosId: tokenizer.eosId, ...(config.maxSeqLen ? { maxSeqLen: config.maxSeqLen } : {}) });
  }
  const cleanup = () => temp && rmSync(temp, { recursive: true, force: true });
  let lease: { client: TorchWorkerClient; done: () => void } | undefined;
  try {
    lease = await TorchWorkerPool.acquire(config, () => startTorchWorker(config), config.exclusive);
    const client = lease.client;
    const full = config.finetune === 'full' || (config.finetune === 'auto' && !config.weights);
    const info = await client.callAsync<TorchModelInfo>('init', {
      seed,
      ...(weightsDir ? { weightsDir } : { config: arch }),
      finetune: full ? 'full' : 'lora',
      lora: config.lora,
      strategy: config.strategy,
      ...(config.threads ? { threads: config.threads } : {}),
    });
    const engine = bindEngine(client, (info as TorchModelInfo & { engine: number }).engine, lease.done);
    return new TorchBackbone(engine, tokenizer, info, { encodeBatch: config.encodeBatch, searchBatch: config.searchBatch, onDispose: cleanup });
  } catch (e) {
    lease?.done();
    cleanup();
    throw e;
  }
}
