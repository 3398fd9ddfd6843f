import * as tf from '@tensorflow/tfjs-core';
import {
  AdamW,
  Rng,
  applyFiniteGradients,
  hasCheckpoint,
  restoreTrainingState,
  runTrainingLoop,
  saveTrainingState,
  type JsonValue,
  type LoopProgress,
  type RngState,
  type TrainContext,
  type TrainReport,
} from '@ed2/core';
import { bceNegatives } from './bce-negatives';
import { padLeft, trainingPairs } from './sequence-batch';
import type { SequentialModel } from './sequential-model';

export interface TrainerOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly weightDecay: number;
  readonly patience: number;
  readonly evalEvery: number;
  /** Validation metric for early stopping. */
  readonly metric: string;
  /** Reduce on plateau: factor applied to the learning rate after `lrPatience` epochs without improvement (1 = off). */
  readonly lrDecay?: number;
  /** Epochs without validation improvement before each learning-rate reduction (default 3). */
  readonly lrPatience?: number;
  /** Also checkpoint every this many steps inside an epoch (0 = epoch ends only). */
  readonly checkpointEvery?: number;
}

/** Checkpoint meta: the loop's progress and the rng state at the start of the epoch in progress (its shuffle). */
interface SequentialMeta {
  progress: LoopProgress;
  epochRng: RngState;
}

/** Progress as written by the trainer's own loop before it ran on `runTrainingLoop` (epoch = epochs completed). */
interface LegacyProgress {
  epoch: number;
  bestEpoch: number;
  best: number | null;
  bestValid: LoopProgress['bestValid'];
  bad: number;
  lrScale?: number;
  sinceDecay?: number;
  history: { epoch: number; loss: number; lr?: number; valid?: LoopProgress['bestValid']; seconds: number }[];
}

/**
 * Trainer of the sequential baselines on the shared `runTrainingLoop`: shuffled mini-batches (Rng), AdamW, early
 * stopping on a validation metric that must exist, reduce on plateau, best weights restored, atomic checkpoints
 * (weights, best weights, optimizer, rng, progress) at every epoch end, every `checkpointEvery` steps and on an
 * interrupt, exact resume, a named E_NUMERIC error for a non-finite loss or gradient, progress and metric events.
 * The random stream is the one of the trainer before the port (one permutation per epoch, then per step the BCE
 * negatives and the dropout seed), so its results are unchanged.
 */
export async function trainSequential(model: SequentialModel, ctx: TrainContext, o: TrainerOptions): Promise<TrainReport> {
  const rng = ctx.rng.fork(`train/${model.name}`);
  const { maxLen, numItems } = model.options;
  const pairs = trainingPairs(ctx.split.train);
  const n = pairs.inputs.length;
  const inputIds = padLeft(pairs.inputs, maxLen);
  const targetIds = padLeft(pairs.targets, maxLen);
  // BCE negatives: 'unseen' (original SASRec) never shows the model the user's own items as negatives; under
  // full ranking without masking their most recent item then outranks the target for nearly every user
  // (Instruments: HR@1 ≈ 0). 'any' allows them, but uniform draws hit them too rarely to change that;
  // `historyNegatives` draws that share of negatives from the items already read at each position.
  const unseenOnly = model.options.negatives !== 'any';
  // per-pair sets of the user's training items, only where the 'unseen' BCE sampler needs them
  const seen = model.options.loss === 'bce' && unseenOnly ? pairs.users.map((u) => new Set(ctx.split.train[u])) : [];
  const historyRate = model.options.historyNegatives ?? 0;
  const trainVars = Object.values(model.variables);
  const best: Record<string, tf.Variable> = {};
  for (const [k, v] of Object.entries(model.variables)) best[`best/${k}`] = tf.tidy(() => tf.variable(v.clone(), false, `${v.name}/best`));
  let lrScale = 1;
  // The rate is read per step from the loop's scale, so a reduction (and its resume) takes effect at once.
  const optimizer = new AdamW({ learningRate: () => o.learningRate * lrScale, weightDecay: o.weightDecay });
  const state = { variables: { ...model.variables, ...best }, optimizer, rng };
  const steps = Math.ceil(n / o.batchSize);
  // the epoch's shuffle, drawn at its first step; a resume inside an epoch redraws it from the saved epoch-start rng
  let shuffle: { epoch: number; order: Int32Array; rng: RngState } | undefined;
  let samples = 0;
  let trainSeconds = 0;
  try {
    const loop = await runTrainingLoop({
      name: model.name,
      epochs: o.epochs,
      stepsPerEpoch: steps,
      patience: o.patience,
      metric: o.metric,
      lrDecay: o.lrDecay ?? 1,
      lrPatience: o.lrPatience ?? 3,
      validateEvery: o.evalEvery,
      checkpointEvery: o.checkpointEvery ?? 0,
      events: ctx.events,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      ...(ctx.checkpointDir ? { checkpointDir: ctx.checkpointDir } : {}),
      ...(ctx.onEpoch ? { onEpoch: ctx.onEpoch } : {}),
      restore: async () => {
        if (!ctx.resume || !ctx.checkpointDir || !hasCheckpoint(ctx.checkpointDir)) return undefined;
        const meta = (await restoreTrainingState(ctx.checkpointDir, state)) as unknown as SequentialMeta | LegacyProgress;
        if ('progress' in meta) {
          if (meta.progress.step > 0) {
            const r = new Rng(0);
            r.setState(meta.epochRng);
            shuffle = { epoch: meta.progress.epoch, order: r.permutation(n), rng: meta.epochRng };
          }
          return meta.progress;
        }
        return fromLegacy(meta, o.learningRate);
      },
      save: ctx.checkpointDir
        ? async (p) => saveTrainingState(ctx.checkpointDir!, state, JSON.parse(JSON.stringify({ progress: p, epochRng: shuffle?.epoch === p.epoch ? shuffle.rng : rng.state().map((x) => x >>> 0) })) as JsonValue)
        : undefined,
      snapshotBest: () => tf.tidy(() => Object.entries(model.variables).forEach(([k, v]) => best[`best/${k}`].assign(v))),
      restoreBest: () => tf.tidy(() => Object.entries(model.variables).forEach(([k, v]) => v.assign(best[`best/${k}`]))),
      validate: () => ctx.validate(model),
      step: async (epoch, s, scale) => {
        lrScale = scale;
        if (shuffle?.epoch !== epoch) {
          const at = rng.state().map((x) => x >>> 0) as unknown as RngState; // the state's words may be signed int32
          shuffle = { epoch, order: rng.permutation(n), rng: at };
        }
        const rows = shuffle.order.subarray(s * o.batchSize, Math.min(n, (s + 1) * o.batchSize));
        const b = rows.length;
        const x = new Int32Array(b * maxLen);
        const y = new Int32Array(b * maxLen);
        rows.forEach((r, i) => {
          x.set(inputIds.subarray(r * maxLen, (r + 1) * maxLen), i * maxLen);
          y.set(targetIds.subarray(r * maxLen, (r + 1) * maxLen), i * maxLen);
        });
        const neg =
          model.options.loss === 'bce'
            ? bceNegatives(rng, x, y, { numItems, width: maxLen, historyRate }, (i) => (unseenOnly ? seen[rows[i]] : undefined))
            : undefined;
        const seed = rng.tfSeed();
        const ts = Date.now();
        // Drop the columns that are padding in every row (sequences are left-padded): a batch of short
        // sequences then costs what its longest sequence needs, not maxLen.
        const start = firstUsedColumn(x, b, maxLen);
        const width = maxLen - start;
        const trim = (a: Int32Array) => (start === 0 ? a : Int32Array.from({ length: b * width }, (_, k) => a[Math.floor(k / width) * maxLen + start + (k % width)]));
        const { value, grads } = tf.tidy(() => {
          const xt = tf.tensor2d(trim(x), [b, width], 'int32');
          const yt = tf.tensor2d(trim(y), [b, width], 'int32');
          const nt = neg ? tf.tensor2d(trim(neg), [b, width], 'int32') : undefined;
          return optimizer.computeGradients(() => model.loss(xt, yt, nt, seed), trainVars);
        });
        const r = await applyFiniteGradients(optimizer, value, grads);
        value.dispose();
        trainSeconds += (Date.now() - ts) / 1000;
        samples += b;
        return { loss: r.loss, weight: b, info: { 'seq/s': Math.round(samples / Math.max(trainSeconds, 1e-3)) }, ...(r.nonFiniteGradient !== undefined ? { nonFiniteGradient: logicalName(model, r.nonFiniteGradient) } : {}) };
      },
    });
    const p = loop.progress;
    return {
      epochs: p.epoch - 1,
      bestEpoch: p.bestEpoch,
      bestValid: p.bestValid,
      seconds: loop.seconds,
      ...(samples > 0 ? { throughput: samples / Math.max(trainSeconds, 1e-3) } : {}),
      ...(loop.resumedFrom ? { resumedFromEpoch: loop.resumedFrom.epoch - 1 } : {}),
      history: p.history.map((h) => ({ epoch: h.epoch, loss: h.loss, ...(h.lr !== undefined ? { lr: o.learningRate * h.lr } : {}), ...(h.valid ? { valid: h.valid } : {}), seconds: h.seconds })),
    };
  } finally {
    optimizer.dispose();
    for (const v of Object.values(best)) v.dispose();
  }
}

/** The model's logical name of a tfjs variable (for the non-finite gradient error). */
function logicalName(model: SequentialModel, varName: string): string {
  return Object.entries(model.variables).find(([, v]) => v.name === varName)?.[0] ?? varName;
}

/** A checkpoint of the trainer before the port: its epochs were complete, its history held absolute rates. */
function fromLegacy(m: LegacyProgress, learningRate: number): LoopProgress {
  return {
    epoch: m.epoch + 1,
    step: 0,
    globalStep: 0,
    best: m.best,
    bestEpoch: m.bestEpoch,
    bestValid: m.bestValid,
    bad: m.bad,
    lrScale: m.lrScale ?? 1,
    sinceDecay: m.sinceDecay ?? 0,
    epochLoss: 0,
    epochTerms: {},
    epochWeight: 0,
    seconds: m.history.reduce((t, h) => t + h.seconds, 0), // its epochs' own times: the best record of its training time
    history: m.history.map((h) => ({ ...h, ...(h.lr !== undefined ? { lr: h.lr / learningRate } : {}) })),
  };
}

/** Index of the first column of a [rows, width] left-padded id matrix that is not padding in some row. */
function firstUsedColumn(ids: Int32Array, rows: number, width: number): number {
  let first = width - 1;
  for (let r = 0; r < rows; r++) {
    const off = r * width;
    for (let c = 0; c < first; c++) {
      if (ids[off + c] !== 0) {
        first = c;
        break;
      }
    }
  }
  return first;
}
