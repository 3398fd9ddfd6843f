import * as tf from '@tensorflow/tfjs-core';
import { AdamW, RecError, hasCheckpoint, yieldToEventLoop, restoreTrainingState, saveTrainingState, type MetricValues, type TrainContext, type TrainReport } from '@ed2/core';
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
}

interface Progress {
  epoch: number;
  bestEpoch: number;
  best: number;
  bestValid: MetricValues;
  bad: number;
  /** Current learning rate as a multiple of `learningRate` (reduce on plateau). */
  lrScale: number;
  /** Epochs without improvement since the last improvement or reduction. */
  sinceDecay: number;
  history: TrainReport['history'][number][];
}

/**
 * Shared trainer of the sequential baselines: shuffled mini-batches (Rng), AdamW, early stopping on
 * a validation metric with best weights restored, per-epoch checkpoints (weights, best weights,
 * optimizer, rng, progress) and exact resume, abort between steps, progress and metric events.
 */
export async function trainSequential(model: SequentialModel, ctx: TrainContext, o: TrainerOptions): Promise<TrainReport> {
  const t0 = Date.now();
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
  const p: Progress = { epoch: 0, bestEpoch: 0, best: -Infinity, bestValid: {}, bad: 0, lrScale: 1, sinceDecay: 0, history: [] };
  // The rate is read per step from the progress record, so a reduction (and its resume) takes effect at once.
  const optimizer = new AdamW({ learningRate: () => o.learningRate * p.lrScale, weightDecay: o.weightDecay });
  const state = { variables: { ...model.variables, ...best }, optimizer, rng };
  const lrDecay = o.lrDecay ?? 1;
  const lrPatience = o.lrPatience ?? 3;
  let resumedFromEpoch: number | undefined;
  try {
    if (ctx.resume && ctx.checkpointDir && hasCheckpoint(ctx.checkpointDir)) {
      const meta = (await restoreTrainingState(ctx.checkpointDir, state)) as unknown as Progress;
      Object.assign(p, meta, { best: meta.best ?? -Infinity });
      resumedFromEpoch = p.epoch;
      ctx.events.info(`${model.name}: resumed from epoch ${p.epoch}`);
    }
    let samples = 0;
    let trainSeconds = 0;
    while (p.epoch < o.epochs && p.bad < o.patience && !ctx.signal?.aborted) {
      const epoch = p.epoch + 1;
      const te = Date.now();
      const lr = o.learningRate * p.lrScale; // the rate of this epoch's steps
      const order = rng.permutation(n);
      const steps = Math.ceil(n / o.batchSize);
      const bar = ctx.events.progress(`train/${model.name}`, `epoch ${epoch}/${o.epochs}`, steps, 'batch');
      let lossSum = 0;
      let aborted = false;
      for (let s = 0; s < steps; s++) {
        await yieldToEventLoop(); // let a Ctrl-C handler run: the step's awaits alone never reach the event loop
        if (ctx.signal?.aborted) {
          aborted = true;
          break;
        }
        const rows = order.subarray(s * o.batchSize, Math.min(n, (s + 1) * o.batchSize));
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
        const loss = tf.tidy(() => {
          const xt = tf.tensor2d(trim(x), [b, width], 'int32');
          const yt = tf.tensor2d(trim(y), [b, width], 'int32');
          const nt = neg ? tf.tensor2d(trim(neg), [b, width], 'int32') : undefined;
          return optimizer.step(() => model.loss(xt, yt, nt, seed), trainVars);
        });
        const value = (await loss.data())[0];
        loss.dispose();
        trainSeconds += (Date.now() - ts) / 1000;
        samples += b;
        lossSum += value * b;
        bar.tick(1, { loss: Number(value.toFixed(4)), 'seq/s': Math.round(samples / Math.max(trainSeconds, 1e-3)) });
      }
      bar.done();
      // An aborted epoch is discarded: the checkpoint keeps the last complete epoch.
      if (aborted) break;
      const loss = lossSum / n;
      ctx.events.metric(`${model.name}/loss`, loss, epoch, 'train');
      let valid: MetricValues | undefined;
      if (epoch % o.evalEvery === 0 || epoch === o.epochs) {
        valid = await ctx.validate(model);
        // Before any state of this epoch is kept or checkpointed: a missing metric would read as -Infinity,
        // never improve, and early-stop the run at epoch `patience` with its last weights.
        assertMetricComputed(model.name, o.metric, valid);
        for (const [k, v] of Object.entries(valid)) ctx.events.metric(`${model.name}/${k}`, v, epoch, 'valid');
        const m = valid[o.metric];
        if (m > p.best) {
          Object.assign(p, { best: m, bestEpoch: epoch, bestValid: valid, bad: 0, sinceDecay: 0 });
          tf.tidy(() => Object.entries(model.variables).forEach(([k, v]) => best[`best/${k}`].assign(v)));
        } else {
          p.bad += o.evalEvery;
          p.sinceDecay += o.evalEvery;
          if (lrDecay < 1 && p.sinceDecay >= lrPatience && p.bad < o.patience) {
            p.lrScale *= lrDecay;
            p.sinceDecay = 0;
            ctx.events.info(`${model.name}: no ${o.metric} gain for ${lrPatience} epochs, learning rate → ${o.learningRate * p.lrScale}`);
          }
        }
      }
      p.epoch = epoch;
      p.history.push({ epoch, loss, lr, ...(valid ? { valid } : {}), seconds: (Date.now() - te) / 1000 });
      if (ctx.checkpointDir) await saveTrainingState(ctx.checkpointDir, state, JSON.parse(JSON.stringify({ ...p, best: Number.isFinite(p.best) ? p.best : null })));
    }
    if (p.bestEpoch > 0) tf.tidy(() => Object.entries(model.variables).forEach(([k, v]) => v.assign(best[`best/${k}`])));
    return {
      epochs: p.epoch,
      bestEpoch: p.bestEpoch,
      bestValid: p.bestValid,
      seconds: (Date.now() - t0) / 1000,
      ...(samples > 0 ? { throughput: samples / Math.max(trainSeconds, 1e-3) } : {}),
      ...(resumedFromEpoch !== undefined ? { resumedFromEpoch } : {}),
      history: p.history,
    };
  } finally {
    optimizer.dispose();
    for (const v of Object.values(best)) v.dispose();
  }
}

/**
 * Throws E_CONFIG when the validation results lack the early-stopping metric (e.g. `ndcg@10` under
 * `--ks 5,20`), naming it and the metrics that were computed.
 */
function assertMetricComputed(model: string, metric: string, valid: MetricValues): void {
  if (valid[metric] !== undefined) return;
  const computed = Object.keys(valid);
  const [family, cutoff] = metric.split('@');
  const alternative = computed.find((k) => k.split('@')[0] === family) ?? computed[0];
  const hints = [
    ...(alternative !== undefined ? [`use a computed metric (--set metric=${alternative})`] : []),
    ...(cutoff !== undefined ? [`add the cut-off ${cutoff} to --ks`] : []),
  ];
  throw new RecError(
    'E_CONFIG',
    `${model}: the early-stopping metric '${metric}' is not among the validation results; computed: ${computed.length > 0 ? computed.join(', ') : '(none)'}`,
    hints.length > 0 ? { hint: `${hints.join(', or ')}.`.replace(/^./, (c) => c.toUpperCase()) } : {},
  );
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
