import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import writeFileAtomic from 'write-file-atomic';
import { RecError } from '../errors/rec-error';
import type { AdamWState } from '../optim/adamw';
import type { RngState } from '../random/rng';
import { isProcessAlive } from '../run/run-lock';
import { readSafetensors, writeSafetensors } from './safetensors';

/** JSON-compatible value for checkpoint metadata (epoch, best metric, config, …). */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export interface Checkpoint {
  /** Model tensors by name (weights, buffers). */
  readonly tensors: Readonly<Record<string, tf.Tensor>>;
  readonly optimizer?: AdamWState;
  readonly rng?: RngState;
  readonly meta?: JsonValue;
}

export const TENSORS_FILE = 'tensors.safetensors';
export const STATE_FILE = 'state.json';
const FORMAT = 'ed2-checkpoint';
const VERSION = 1;
const OPT_M = '@optimizer/m/';
const OPT_V = '@optimizer/v/';

interface StateFile {
  format: typeof FORMAT;
  version: number;
  savedAt: string;
  tensorNames: string[];
  optimizer?: { step: number; variables: string[] };
  rng?: RngState;
  meta?: JsonValue;
}

let tmpCounter = 0;

/**
 * Writes a checkpoint folder atomically: everything goes into `<dir>.tmp-<pid>-<n>` first, then
 * the old `dir` is renamed to `<dir>.prev`, the new one renamed into place, and `.prev` deleted.
 * A crash at any point leaves either the old or the new checkpoint readable (`loadCheckpoint`
 * falls back to `.prev` when `dir` is missing). Tensors are read asynchronously, never disposed.
 */
export async function saveCheckpoint(dir: string, checkpoint: Checkpoint): Promise<void> {
  const all: Record<string, tf.Tensor> = { ...checkpoint.tensors };
  for (const name of Object.keys(all)) {
    if (name.startsWith('@optimizer/')) throw new RecError('E_CHECKPOINT', `Tensor name "${name}" is reserved for optimizer state`, { hint: 'Rename the model tensor.' });
  }
  const opt = checkpoint.optimizer;
  if (opt) {
    for (const [name, t] of Object.entries(opt.m)) all[OPT_M + name] = t;
    for (const [name, t] of Object.entries(opt.v)) all[OPT_V + name] = t;
  }
  const state: StateFile = {
    format: FORMAT,
    version: VERSION,
    savedAt: new Date().toISOString(),
    tensorNames: Object.keys(checkpoint.tensors).sort(),
    ...(opt ? { optimizer: { step: opt.step, variables: Object.keys(opt.m).sort() } } : {}),
    // `>>> 0`: Rng.state() may hold int32-signed words; store them as the uint32 values setState expects.
    ...(checkpoint.rng ? { rng: checkpoint.rng.map((x) => x >>> 0) as unknown as RngState } : {}),
    ...(checkpoint.meta === undefined ? {} : { meta: checkpoint.meta }),
  };
  const tmp = `${dir}.tmp-${process.pid}-${tmpCounter++}`;
  const prev = `${dir}.prev`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    await writeSafetensors(join(tmp, TENSORS_FILE), all, { format: FORMAT });
    // state.json last: its presence marks a complete checkpoint.
    await writeFileAtomic(join(tmp, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
    if (existsSync(dir)) {
      if (existsSync(prev)) {
        // A previous save crashed after moving `dir` aside; `dir` is the newer complete copy only if it has state.json.
        if (existsSync(join(dir, STATE_FILE))) await rm(prev, { recursive: true, force: true });
        else await rm(dir, { recursive: true, force: true });
      }
      if (existsSync(dir)) await rename(dir, prev);
    }
    await rename(tmp, dir);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    if (e instanceof RecError) throw e;
    throw new RecError('E_CHECKPOINT', `Could not write checkpoint ${dir}: ${(e as Error).message}`, { cause: e, hint: 'Check free disk space and write permission.' });
  }
  await rm(prev, { recursive: true, force: true });
  await removeStaleTemps(dir);
}

/** Deletes `<dir>.tmp-<pid>-<n>` folders left by processes killed mid-save. */
async function removeStaleTemps(dir: string): Promise<void> {
  const prefix = `${basename(dir)}.tmp-`;
  const names = await readdir(dirname(dir)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (pid !== process.pid && !isProcessAlive(pid)) await rm(join(dirname(dir), name), { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Whether `dir` (or its `.prev` fallback) holds a complete checkpoint. */
export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, STATE_FILE)) || existsSync(join(`${dir}.prev`, STATE_FILE));
}

/** Loads a checkpoint written by `saveCheckpoint` (new tensors; the caller disposes them). */
export async function loadCheckpoint(dir: string): Promise<Checkpoint> {
  let from = dir;
  if (!existsSync(join(dir, STATE_FILE)) && existsSync(join(`${dir}.prev`, STATE_FILE))) from = `${dir}.prev`;
  const stateFile = join(from, STATE_FILE);
  if (!existsSync(stateFile)) {
    throw new RecError('E_CHECKPOINT', `No checkpoint in ${dir} (missing ${STATE_FILE})`, { hint: 'Start without --resume, or point --out at a run folder that has a checkpoint.' });
  }
  let state: StateFile;
  try {
    state = JSON.parse(await readFile(stateFile, 'utf8')) as StateFile;
  } catch (e) {
    throw new RecError('E_CHECKPOINT', `Checkpoint file ${stateFile} is not valid JSON`, { cause: e, hint: 'The checkpoint is corrupt; delete the folder and train again.' });
  }
  if (state?.format !== FORMAT || state.version !== VERSION || !Array.isArray(state.tensorNames)) {
    throw new RecError('E_CHECKPOINT', `Checkpoint file ${stateFile} is not an ${FORMAT} v${VERSION} state file`, { hint: `Remove ${basename(from)} or use a checkpoint written by this version.` });
  }
  const { tensors: all } = await readSafetensors(join(from, TENSORS_FILE));
  const tensors: Record<string, tf.Tensor> = {};
  const m: Record<string, tf.Tensor> = {};
  const v: Record<string, tf.Tensor> = {};
  for (const [name, t] of Object.entries(all)) {
    if (name.startsWith(OPT_M)) m[name.slice(OPT_M.length)] = t;
    else if (name.startsWith(OPT_V)) v[name.slice(OPT_V.length)] = t;
    else tensors[name] = t;
  }
  const missing = state.tensorNames.filter((n) => !(n in tensors));
  if (missing.length > 0) {
    tf.dispose(Object.values(all));
    throw new RecError('E_CHECKPOINT', `Checkpoint ${from} lists tensors missing from ${TENSORS_FILE}: ${missing.slice(0, 5).join(', ')}`, { hint: 'The checkpoint is corrupt; delete the folder and train again.' });
  }
  return {
    tensors,
    ...(state.optimizer ? { optimizer: { step: state.optimizer.step, m, v } } : {}),
    ...(state.rng ? { rng: state.rng } : {}),
    ...(state.meta === undefined ? {} : { meta: state.meta }),
  };
}
