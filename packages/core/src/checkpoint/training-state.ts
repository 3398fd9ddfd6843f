import * as tf from '@tensorflow/tfjs-core';
import { RecError } from '../errors/rec-error';
import type { AdamW } from '../optim/adamw';
import type { Rng } from '../random/rng';
import { loadCheckpoint, saveCheckpoint, type JsonValue } from './checkpoint';

/**
 * A model's training state, with variables under stable *logical* names (`encoder/0/wq`), which
 * stay the same across processes while tfjs variable names (made unique per process) may not.
 */
export interface TrainingState {
  readonly variables: Readonly<Record<string, tf.Variable>>;
  readonly optimizer?: AdamW;
  readonly rng?: Rng;
}

/** Saves variables, optimizer moments (re-keyed to logical names) and the rng state atomically. */
export async function saveTrainingState(dir: string, state: TrainingState, meta?: JsonValue): Promise<void> {
  const byVarName = new Map(Object.entries(state.variables).map(([logical, v]) => [v.name, logical]));
  let optimizer;
  if (state.optimizer) {
    const s = state.optimizer.getState();
    const rekey = (r: Readonly<Record<string, tf.Tensor>>) => {
      const out: Record<string, tf.Tensor> = {};
      for (const [name, t] of Object.entries(r)) {
        const logical = byVarName.get(name);
        if (logical !== undefined) out[logical] = t;
      }
      return out;
    };
    optimizer = { step: s.step, m: rekey(s.m), v: rekey(s.v), all: [...Object.values(s.m), ...Object.values(s.v)] };
  }
  try {
    await saveCheckpoint(dir, {
      tensors: state.variables,
      ...(optimizer ? { optimizer: { step: optimizer.step, m: optimizer.m, v: optimizer.v } } : {}),
      ...(state.rng ? { rng: state.rng.state() } : {}),
      ...(meta === undefined ? {} : { meta }),
    });
  } finally {
    if (optimizer) tf.dispose(optimizer.all);
  }
}

/**
 * Restores a state saved by `saveTrainingState` into existing variables (assigned in place), the
 * optimizer and the rng. The checkpoint must hold exactly these variables with the same shapes.
 * Returns the saved `meta`.
 */
export async function restoreTrainingState(dir: string, state: TrainingState): Promise<JsonValue | undefined> {
  const ck = await loadCheckpoint(dir);
  const loaded = [...Object.values(ck.tensors), ...Object.values(ck.optimizer?.m ?? {}), ...Object.values(ck.optimizer?.v ?? {})];
  try {
    const want = Object.keys(state.variables);
    const missing = want.filter((n) => !(n in ck.tensors));
    const extra = Object.keys(ck.tensors).filter((n) => !(n in state.variables));
    const wrong = want.filter((n) => n in ck.tensors && !tf.util.arraysEqual(ck.tensors[n].shape, state.variables[n].shape));
    if (missing.length || extra.length || wrong.length) {
      const parts = [
        missing.length ? `missing ${missing.slice(0, 5).join(', ')}` : '',
        extra.length ? `unexpected ${extra.slice(0, 5).join(', ')}` : '',
        wrong.length ? `shape differs for ${wrong.slice(0, 5).map((n) => `${n} [${ck.tensors[n].shape.join(',')}] vs [${state.variables[n].shape.join(',')}]`).join(', ')}` : '',
      ].filter(Boolean);
      throw new RecError('E_CHECKPOINT', `Checkpoint ${dir} does not match the model: ${parts.join('; ')}`, {
        hint: 'Resume with the same model configuration that wrote the checkpoint, or start a fresh run (another --out).',
      });
    }
    if (state.optimizer && !ck.optimizer) {
      throw new RecError('E_CHECKPOINT', `Checkpoint ${dir} has no optimizer state`, { hint: 'It was saved without an optimizer; start a fresh run.' });
    }
    tf.tidy(() => {
      for (const n of want) state.variables[n].assign(tf.cast(ck.tensors[n], state.variables[n].dtype));
    });
    if (state.optimizer && ck.optimizer) {
      const m: Record<string, tf.Tensor> = {};
      const v: Record<string, tf.Tensor> = {};
      for (const [logical, t] of Object.entries(ck.optimizer.m)) {
        const variable = state.variables[logical];
        if (variable === undefined || ck.optimizer.v[logical] === undefined) continue;
        m[variable.name] = t;
        v[variable.name] = ck.optimizer.v[logical];
      }
      state.optimizer.setState({ step: ck.optimizer.step, m, v });
    }
    if (state.rng && ck.rng) state.rng.setState(ck.rng);
    return ck.meta;
  } finally {
    tf.dispose(loaded);
  }
}
