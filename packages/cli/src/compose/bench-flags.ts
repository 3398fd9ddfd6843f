import { Flags } from '@oclif/core';
import { BACKEND_NAMES, RecError, type BackendName } from '@ed2/core';
import type { BenchOptions } from './run-bench';
import { parseAssignments } from './parse-assignments';
import { setDotted } from './generative-flags';

/** Flags `rec bench` and `rec ablate` share with `rec run` (data, evaluation, seeds, folder, resume). */
export const benchFlags = {
  dataset: Flags.string({ char: 'd', description: 'Dataset name (`synthetic`) or path to a dataset folder/file.', default: 'synthetic' }),
  'dataset-set': Flags.string({ description: 'Dataset option as key=value (repeatable).', multiple: true }),
  backend: Flags.string({ description: 'Tensor backend (auto = tensorflow → wasm → cpu).', options: [...BACKEND_NAMES], default: 'auto', env: 'REC_BACKEND' }),
  seed: Flags.integer({ description: 'First seed; --seeds N runs seeds seed … seed + N − 1.', default: 42 }),
  seeds: Flags.integer({ description: 'Runs per model (seeds); N > 1 reports mean ± t-based 95% CI.', default: 1 }),
  epochs: Flags.integer({ description: 'Maximum training epochs of every model (option `epochs`).' }),
  set: Flags.string({ char: 's', description: 'Model option key=value for every model, or <model>.key=value for one (repeatable), e.g. --set sasrec.dim=64.', multiple: true }),
  ks: Flags.string({ description: 'Cut-offs for HR@K / NDCG@K, comma-separated.', default: '1,5,10' }),
  metrics: Flags.string({ description: 'Table columns, comma-separated.', default: 'hr@1,hr@5,hr@10,ndcg@5,ndcg@10' }),
  'exclude-seen': Flags.boolean({ description: "Mask the user's history items when ranking (default: not masked, as in the paper).", default: false }),
  'eval-batch': Flags.integer({ description: 'Users per evaluation batch.', default: 512 }),
  out: Flags.string({ char: 'o', description: 'Bench folder (default runs/<date>-bench): one run folder per model × seed, then the tables.' }),
  resume: Flags.boolean({ description: 'Skip the finished runs in --out, continue interrupted ones, then write the tables.', default: false }),
  'allow-mixed-protocols': Flags.boolean({ description: 'Put rows measured under different protocols in one table (the differences are listed under it).', default: false }),
  json: Flags.boolean({ description: 'Print the comparison as JSON.', default: false }),
};

/** The parts of `runBench`'s options both commands take from the shared flags above. */
export function benchRunFlags(flags: {
  dataset: string; 'dataset-set'?: string[]; seed: number; seeds: number; backend: string; resume: boolean; ks: string; 'exclude-seen': boolean; 'eval-batch': number;
}): Pick<BenchOptions, 'dataset' | 'datasetConfig' | 'seeds' | 'backend' | 'resume' | 'ks' | 'excludeSeen' | 'evalBatchSize'> {
  return {
    dataset: flags.dataset,
    datasetConfig: parseAssignments(flags['dataset-set'] ?? [], '--dataset-set'),
    seeds: parseSeeds(flags.seed, flags.seeds),
    backend: flags.backend as BackendName,
    resume: flags.resume,
    ks: parseKs(flags.ks),
    excludeSeen: flags['exclude-seen'],
    evalBatchSize: flags['eval-batch'],
  };
}

export function parseKs(s: string): number[] {
  const ks = s.split(',').map((x) => Number(x.trim()));
  if (ks.some((k) => !Number.isInteger(k) || k < 1)) throw new RecError('E_CONFIG', `--ks "${s}" must be positive integers separated by commas`, { hint: 'e.g. --ks 1,5,10' });
  return ks;
}

export function parseSeeds(seed: number, n: number): number[] {
  if (!Number.isInteger(n) || n < 1) throw new RecError('E_CONFIG', `--seeds ${n} must be a positive integer`, { hint: 'e.g. --seeds 3' });
  return Array.from({ length: n }, (_, i) => seed + i);
}

/**
 * Applies `--set` to the model configs: `<row>.key=v` (a row id such as `sasrec`) to that row only, any other
 * `key=v` (dotted keys allowed, as in `rec run`) to every row.
 */
export function applySets(configs: Record<string, Record<string, unknown>>, sets: readonly string[]): void {
  for (const [key, value] of Object.entries(parseAssignments(sets, '--set'))) {
    const dot = key.indexOf('.');
    const row = dot > 0 ? key.slice(0, dot) : undefined;
    if (row !== undefined && row in configs) setDotted(configs[row], key.slice(dot + 1), value);
    else for (const c of Object.values(configs)) setDotted(c, key, value);
  }
}
