import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { hasCheckpoint } from '../checkpoint/checkpoint';
import { RecError } from '../errors/rec-error';
import { RunLock } from './run-lock';

export type RunStatus = 'running' | 'done' | 'failed' | 'interrupted';

export const RUN_FILE = 'run.json';
export const LOCK_FILE = 'run.lock';
export const CHECKPOINT_DIR = 'checkpoint';
const FORMAT = 'ed2-run';

/** What `run.json` holds; it marks a folder as one of our runs. */
export interface RunRecord {
  readonly format: typeof FORMAT;
  readonly status: RunStatus;
  readonly pid: number;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly endedAt?: string;
  readonly error?: { readonly code?: string; readonly message: string };
  /** Free-form description written at start (model, dataset, argv, …). */
  readonly info?: Readonly<Record<string, unknown>>;
  /** How many times this folder was started (1 + resumes). */
  readonly attempts: number;
}

export interface RunDirectoryOptions {
  /** Continue a run that has a checkpoint; without it such a folder is refused. */
  readonly resume?: boolean;
  /** Stored in run.json (`info`). */
  readonly info?: Readonly<Record<string, unknown>>;
}

/** `YYYYMMDD-HHMMSS-<model>` in UTC; the model name is reduced to `[A-Za-z0-9._-]`. */
export function makeRunId(model: string, date: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${date.getUTCFullYear()}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}-${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}`;
  const safe = model.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
  return `${stamp}-${safe}`;
}

/**
 * One run's output folder: `run.json` (status), `run.lock` (pid of the live process), `checkpoint/`
 * and whatever the run writes with `writeJson`/`writeText` (always atomically).
 */
export class RunDirectory {
  private record: RunRecord;

  private constructor(
    readonly path: string,
    /** True when `resume` was asked and a checkpoint exists to continue from. */
    readonly resumed: boolean,
    private readonly lock: RunLock,
    previous: RunRecord | undefined,
    info: Readonly<Record<string, unknown>> | undefined,
  ) {
    const now = new Date().toISOString();
    this.record = {
      format: FORMAT,
      status: 'running',
      pid: process.pid,
      startedAt: now,
      updatedAt: now,
      attempts: (previous?.attempts ?? 0) + 1,
      ...(info ? { info } : previous?.info ? { info: previous.info } : {}),
    };
  }

  /** Opens (creating if needed) a run folder, takes its lock and marks it `running`. */
  static async create(path: string, options: RunDirectoryOptions = {}): Promise<RunDirectory> {
    const dir = resolve(path);
    const resume = options.resume ?? false;
    if (existsSync(dir) && !statSync(dir).isDirectory()) {
      throw new RecError('E_RUN_DIR', `Output path ${dir} is a file, not a folder`, { hint: 'Choose another --out.' });
    }
    mkdirSync(dir, { recursive: true });
    const previous = readRecord(dir);
    if (!previous) {
      const entries = readdirSync(dir).filter((e) => e !== LOCK_FILE);
      if (entries.length > 0) {
        throw new RecError('E_RUN_DIR', `Output folder ${dir} is not empty and is not a run folder (no ${RUN_FILE}; it holds ${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''})`, {
          hint: 'Choose an empty or new folder with --out; existing files are never overwritten.',
        });
      }
    }
    const lock = RunLock.acquire(join(dir, LOCK_FILE), `Run folder ${dir}`);
    try {
      // a checkpoint, or staged checkpoints in its subfolders (generative models: features/, warmup/, joint/)
      const cp = join(dir, CHECKPOINT_DIR);
      const checkpointed = hasCheckpoint(cp) || (existsSync(cp) && statSync(cp).isDirectory() && readdirSync(cp).some((e) => hasCheckpoint(join(cp, e))));
      if (checkpointed && !resume) {
        throw new RecError('E_RUN_DIR', `Run folder ${dir} already has a checkpoint${previous ? ` (status: ${previous.status})` : ''}`, {
          hint: 'Pass --resume to continue that run, or choose another --out for a fresh one.',
        });
      }
      const run = new RunDirectory(dir, resume && checkpointed, lock, previous, options.info);
      await run.writeRecord();
      return run;
    } catch (e) {
      lock.release();
      throw e;
    }
  }

  /** Where the model writes its (atomic) checkpoint; pass it as `TrainContext.checkpointDir`. */
  get checkpointDir(): string {
    return join(this.path, CHECKPOINT_DIR);
  }

  get status(): RunStatus {
    return this.record.status;
  }

  /** The current content of run.json. */
  get info(): RunRecord {
    return this.record;
  }

  /** Absolute path of `name` inside the run folder (must not escape it). */
  file(name: string): string {
    const target = resolve(this.path, name);
    const rel = relative(this.path, target);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
      throw new RecError('E_RUN_DIR', `File name "${name}" points outside the run folder ${this.path}`, { hint: 'Use a relative name such as "metrics.json".' });
    }
    return target;
  }

  async writeJson(name: string, value: unknown): Promise<string> {
    return this.writeText(name, `${JSON.stringify(value, null, 2)}\n`);
  }

  async writeText(name: string, text: string): Promise<string> {
    const target = this.file(name);
    if (name === RUN_FILE || name === LOCK_FILE) throw new RecError('E_RUN_DIR', `${name} is managed by RunDirectory`, { hint: 'Pick another file name.' });
    mkdirSync(dirname(target), { recursive: true });
    await writeFileAtomic(target, text);
    return target;
  }

  /** Records the final status (and the error for `failed`/`interrupted`) and releases the lock. */
  async finish(status: Exclude<RunStatus, 'running'>, error?: unknown): Promise<void> {
    const now = new Date().toISOString();
    const err = error === undefined ? undefined : describeError(error);
    this.record = { ...this.record, status, updatedAt: now, endedAt: now, ...(err ? { error: err } : {}) };
    try {
      await this.writeRecord();
    } finally {
      this.lock.release();
    }
  }

  /** Releases the lock without changing the status (e.g. in tests or on fatal paths). */
  release(): void {
    this.lock.release();
  }

  private async writeRecord(): Promise<void> {
    await writeFileAtomic(join(this.path, RUN_FILE), `${JSON.stringify(this.record, null, 2)}\n`);
  }
}

function describeError(e: unknown): { code?: string; message: string } {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return typeof code === 'string' ? { code, message: e.message } : { message: e.message };
  }
  return { message: String(e) };
}

function readRecord(dir: string): RunRecord | undefined {
  const file = join(dir, RUN_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as RunRecord;
    if (r?.format === FORMAT) return r;
  } catch {
    // fall through
  }
  throw new RecError('E_RUN_DIR', `${file} exists but is not a run record of ours`, { hint: 'Choose another --out; this folder belongs to something else.' });
}
