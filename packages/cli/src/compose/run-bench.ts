import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecError, type BackendName, type EventBus, type PluginRegistry } from '@ed2/core';
import { parseProtocolManifest, type ProtocolManifest } from '@ed2/eval';
import type { BenchEntry } from './bench-entry';
import { readRunConfig } from './read-run-config';
import { runExperiment } from './run-experiment';

export interface BenchOptions {
  readonly entries: readonly BenchEntry[];
  readonly dataset: string;
  readonly datasetConfig?: Readonly<Record<string, unknown>>;
  /** One run per entry and seed. */
  readonly seeds: readonly number[];
  readonly backend: BackendName;
  /** The bench folder: `<out>/<entry id>/seed-<seed>/` holds each run. */
  readonly out: string;
  /** Skip finished runs, continue interrupted ones; without it an existing bench folder is refused. */
  readonly resume: boolean;
  readonly ks: readonly number[];
  readonly excludeSeen: boolean;
  readonly evalBatchSize: number;
  readonly registry: PluginRegistry;
  readonly events: EventBus;
  readonly signal: AbortSignal;
  readonly argv?: readonly string[];
}

/** One finished run of a bench row, read back from its run folder. */
export interface BenchRun {
  readonly seed: number;
  readonly dir: string;
  readonly metrics: Record<string, number>;
  readonly manifest?: ProtocolManifest;
  /** Wall time of the run (run.json start → end when finished in one attempt, else the trainer's training + test seconds). */
  readonly seconds: number;
  readonly perUser: { readonly users: number[]; readonly values: Record<string, number[]> };
  /** Whether this invocation trained it (false: skipped by --resume, or the same configuration as another row). */
  readonly trained: boolean;
}

export interface BenchRow {
  readonly entry: BenchEntry;
  readonly runs: BenchRun[];
  /** Id of the earlier row whose runs this row shares (same model and options after defaults), if any. */
  readonly sameAs?: string;
}

/**
 * Trains and tests every entry once per seed through `runExperiment` (the code of `rec run`), one run folder per
 * entry × seed under `out`, and reads each run's metrics, manifest and per-user values back from its folder.
 * Entries whose model options are equal after the schema fills defaults share one set of runs (an ablation's
 * "index length 4" is the full model when 4 is the default). With `resume`, finished runs of the same experiment
 * are skipped.
 */
export async function runBench(o: BenchOptions): Promise<BenchRow[]> {
  if (o.entries.length === 0) throw new RecError('E_CONFIG', 'rec bench: no models to run', { hint: 'Name them with --models, e.g. --models sasrec,gru4rec.' });
  const ids = new Set<string>();
  for (const e of o.entries) {
    if (ids.has(e.id)) throw new RecError('E_CONFIG', `rec bench: row "${e.id}" is given twice`, { hint: 'Name each model once in --models.' });
    if (!/^[A-Za-z0-9._-]+$/.test(e.id)) throw new RecError('E_CONFIG', `rec bench: row id "${e.id}" is not a safe folder name`, { hint: 'Use letters, digits, ".", "_" and "-".' });
    ids.add(e.id);
  }
  if (!o.resume && existsSync(o.out) && readdirSync(o.out).length > 0) {
    throw new RecError('E_RUN_DIR', `bench folder ${o.out} already holds results`, { hint: 'Pass --resume to skip its finished runs and continue the rest, or choose another --out.' });
  }
  // Normalise first: an unknown model or a bad option fails before anything trains.
  const keys = o.entries.map((e) => `${e.model}\n${JSON.stringify(o.registry.parseConfig('recommenders', e.model, e.modelConfig))}`);
  const total = o.entries.length * o.seeds.length;
  const progress = o.events.progress('bench', `bench: ${o.entries.length} rows × ${o.seeds.length} seed${o.seeds.length > 1 ? 's' : ''}`, total, 'runs');
  const rows: BenchRow[] = [];
  for (const [i, entry] of o.entries.entries()) {
    const first = keys.indexOf(keys[i]);
    if (first < i) {
      o.events.info(`bench: ${entry.name} has the same configuration as ${o.entries[first].name}; its runs are shared`);
      rows.push({ entry, runs: rows[first].runs.map((r) => ({ ...r, trained: false })), sameAs: o.entries[first].id });
      progress.tick(o.seeds.length);
      continue;
    }
    const runs: BenchRun[] = [];
    for (const seed of o.seeds) {
      const dir = join(o.out, entry.id, `seed-${seed}`);
      const status = runStatus(dir);
      let trained = false;
      if (status === 'done' && o.resume && sameExperiment(dir, keys[i], o, seed)) {
        o.events.info(`bench: ${entry.name} seed ${seed} is finished in ${dir}; skipped (--resume)`);
      } else {
        o.events.info(`bench: ${entry.name} seed ${seed} → ${dir}`);
        await runExperiment({
          model: entry.model,
          modelConfig: entry.modelConfig,
          dataset: o.dataset,
          datasetConfig: o.datasetConfig,
          seed,
          backend: o.backend,
          out: dir,
          resume: o.resume && existsSync(join(dir, 'config.json')),
          ks: o.ks,
          excludeSeen: o.excludeSeen,
          evalBatchSize: o.evalBatchSize,
          registry: o.registry,
          events: o.events,
          signal: o.signal,
          argv: o.argv,
        });
        trained = true;
      }
      runs.push({ ...readRun(dir, seed), trained });
      progress.tick(1);
    }
    rows.push({ entry, runs });
  }
  progress.done();
  return rows;
}

/**
 * Whether a finished run folder holds the experiment asked for now (model and options after defaults, data, seed,
 * cut-offs, masking). A finished run with other settings is handed to `rec run --resume`, which continues it when
 * only the budget changed and otherwise refuses, naming the difference.
 */
function sameExperiment(dir: string, key: string, o: BenchOptions, seed: number): boolean {
  const c = readRunConfig(dir);
  if (!c) return false;
  const stored = `${c.model}\n${JSON.stringify(o.registry.parseConfig('recommenders', c.model, c.modelConfig))}`;
  return stored === key && c.dataset === o.dataset && c.seed === seed && JSON.stringify(c.eval) === JSON.stringify({ ks: [...o.ks], excludeSeen: o.excludeSeen }) && JSON.stringify(c.datasetConfig ?? {}) === JSON.stringify(o.datasetConfig ?? {});
}

function runStatus(dir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { status?: string }).status;
  } catch {
    return undefined;
  }
}

function readJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (e) {
    throw new RecError('E_DATA_MISSING', `${file} cannot be read: ${(e as Error).message}`, { hint: 'Rerun that model (drop its folder and run rec bench --resume).', cause: e });
  }
}

/** A finished run's results from its folder (metrics.json, test-per-user.json). */
export function readRun(dir: string, seed: number): Omit<BenchRun, 'trained'> {
  const m = readJson<{ test: Record<string, number>; manifest?: unknown; train?: { seconds?: number }; evalSeconds?: number }>(join(dir, 'metrics.json'));
  const pu = readJson<{ perCase: { users: number[] } & Record<string, number[]> }>(join(dir, 'test-per-user.json'));
  const { users, ranks: _ranks, ...values } = pu.perCase;
  const manifest = parseProtocolManifest(m.manifest);
  return { seed, dir, metrics: m.test, ...(manifest ? { manifest } : {}), seconds: wallSeconds(dir) ?? (m.train?.seconds ?? 0) + (m.evalSeconds ?? 0), perUser: { users, values } };
}

/**
 * Wall time of a run folder finished in one attempt: run.json's start to end (data loading, features, warm-up,
 * training, test, reports). A resumed run's span includes the pause, so it has none (the trainer's seconds are used).
 */
function wallSeconds(dir: string): number | undefined {
  try {
    const r = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { attempts?: number; startedAt?: string; endedAt?: string };
    if (r.attempts !== 1 || !r.startedAt || !r.endedAt) return undefined;
    const s = (Date.parse(r.endedAt) - Date.parse(r.startedAt)) / 1000;
    return Number.isFinite(s) && s >= 0 ? s : undefined;
  } catch {
    return undefined;
  }
}
