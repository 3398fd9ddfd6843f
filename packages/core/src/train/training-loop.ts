import { RecError } from '../errors/rec-error';
import type { EventBus, ProgressHandle } from '../events/event-bus';
import type { MetricValues } from '../domain/trainable-recommender';
import { yieldToEventLoop } from '../run/yield-to-event-loop';

/** Where a loop stands; saved with every checkpoint so `--resume` continues at the next step. */
export interface LoopProgress {
  /** Epoch in progress (1-based); `step` steps of it are done. */
  epoch: number;
  step: number;
  /** Optimizer steps over the whole run. */
  globalStep: number;
  best: number | null;
  bestEpoch: number;
  bestValid: MetricValues;
  bad: number;
  lrScale: number;
  sinceDecay: number;
  /** Running sums of the epoch in progress (so a resumed epoch reports the same mean). */
  epochLoss: number;
  epochTerms: Record<string, number>;
  /** Sum of the step weights of the epoch in progress (absent in checkpoints older than weights: the step count). */
  epochWeight?: number;
  /** Tokens the epoch in progress has processed, and the seconds its steps took (absent in older checkpoints). */
  epochTokens?: number;
  epochStepSeconds?: number;
  /** Training wall time over every attempt of the run so far (so `train.seconds` after a resume covers the whole run). */
  seconds?: number;
  /** Per epoch; `tokens` / `stepSeconds` (the steps alone, without validation) when the steps report tokens. */
  history: { epoch: number; loss: number; terms?: Record<string, number>; lr?: number; valid?: MetricValues; seconds: number; tokens?: number; stepSeconds?: number }[];
}

export interface StepResult {
  readonly loss: number;
  /** Every loss term of the step, by name (logged per epoch). */
  readonly terms?: Readonly<Record<string, number>>;
  /** Weight of the step in the epoch mean (e.g. its sample count); default 1. */
  readonly weight?: number;
  /** The variable whose gradient was not finite; the step then applied no update (see `applyFiniteGradients`). */
  readonly nonFiniteGradient?: string;
  /** Tokens this step processed (summed per epoch with the steps' wall time, for tokens/s). */
  readonly tokens?: number;
  /** Extra live numbers for the progress bar (throughput). */
  readonly info?: Readonly<Record<string, number>>;
}

export interface TrainingLoopOptions {
  readonly name: string;
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  readonly patience: number;
  /** Validation metric for early stopping; it must be among the validation results. */
  readonly metric?: string;
  readonly lrDecay?: number;
  readonly lrPatience?: number;
  /** Checkpoint every this many steps inside an epoch (0 = only at epoch ends). */
  readonly checkpointEvery?: number;
  /** Validate every this many epochs (and after the last); default 1. Epochs without validation count as no gain. */
  readonly validateEvery?: number;
  /** Where `save` writes, named in the non-finite error. */
  readonly checkpointDir?: string;
  /** No per-epoch bars, epoch lines at debug level (an inner loop such as an indexer's fit reports its own progress). */
  readonly quiet?: boolean;
  /** Called after every epoch (after its checkpoint) with the history so far, e.g. to write `train-history.json`. */
  onEpoch?(history: LoopProgress['history']): Promise<void>;
  readonly events: EventBus;
  readonly signal?: AbortSignal;
  /** One optimizer step (epoch 1-based, step 0-based within the epoch); `lrScale` multiplies the base rate. */
  step(epoch: number, step: number, lrScale: number, globalStep: number): Promise<StepResult>;
  /** Validation after an epoch; without it (e.g. an indexer's fit) every epoch runs and the last weights stay. */
  validate?(epoch: number): Promise<MetricValues>;
  /** Persist everything (weights, optimizer, best weights, progress); must be atomic. */
  save?(progress: LoopProgress): Promise<void>;
  /** The saved progress, after restoring weights and optimizer; undefined for a fresh start. */
  restore?(): Promise<LoopProgress | undefined>;
  /** Remember the current weights as the best ones / put the best ones back. */
  snapshotBest?(): void;
  restoreBest?(): void;
  /** Hook after each step (e.g. dynamic re-indexing). */
  afterStep?(globalStep: number): Promise<void>;
}

export interface LoopReport {
  readonly progress: LoopProgress;
  readonly resumedFrom?: { epoch: number; step: number };
  /** Training seconds over every attempt (`previousSeconds` + this one). */
  readonly seconds: number;
  /** The seconds of earlier attempts (restored from the checkpoint). */
  readonly previousSeconds: number;
  readonly steps: number;
}

const SILENT_BAR: ProgressHandle = { tick: () => undefined, update: () => undefined, done: () => undefined };

function fresh(): LoopProgress {
  return { epoch: 1, step: 0, globalStep: 0, best: null, bestEpoch: 0, bestValid: {}, bad: 0, lrScale: 1, sinceDecay: 0, epochLoss: 0, epochTerms: {}, epochWeight: 0, seconds: 0, history: [] };
}

/** Where the last checkpoint stands, for the non-finite error. */
function describeCheckpoint(at: { epoch: number; step: number } | undefined, dir: string | undefined): string {
  if (!at) return 'this training loop wrote no checkpoint yet (--resume starts it again from its first step)';
  const where = at.step > 0 ? `epoch ${at.epoch}, step ${at.step}` : at.epoch > 1 ? `the end of epoch ${at.epoch - 1}` : 'the start';
  return `the last good checkpoint (at ${where})${dir ? ` is ${dir}` : ' is kept'}; --resume continues from it`;
}

/**
 * The training loop every trainer runs: epochs of steps, early stopping on a validation metric that must exist
 * (else E_CONFIG listing the computed ones), reduce-on-plateau, best weights restored at the end, atomic
 * checkpoints at every epoch end, every `checkpointEvery` steps and when aborted between steps, `--resume` from the
 * saved step, abort between steps (the last checkpoint stays), progress bars and metric events. A non-finite loss,
 * loss term or gradient stops the run with E_NUMERIC naming the epoch, the step, the term and the last good
 * checkpoint, before anything of that step is kept: a NaN never reaches the history or a checkpoint.
 */
export async function runTrainingLoop(o: TrainingLoopOptions): Promise<LoopReport> {
  const t0 = performance.now();
  let p = fresh();
  let resumedFrom: { epoch: number; step: number } | undefined;
  const restored = o.restore ? await o.restore() : undefined;
  if (restored) {
    p = restored;
    resumedFrom = { epoch: p.epoch, step: p.step };
    o.events.info(`${o.name}: resumed at epoch ${p.epoch}, step ${p.step}`);
  }
  const baseSeconds = p.seconds ?? 0;
  const elapsed = () => baseSeconds + (performance.now() - t0) / 1000;
  let lastSave: { epoch: number; step: number } | undefined = restored ? { epoch: p.epoch, step: p.step } : undefined;
  const save = async () => {
    if (!o.save) return;
    p.seconds = elapsed();
    await o.save(p);
    lastSave = { epoch: p.epoch, step: p.step };
  };
  const lrDecay = o.lrDecay ?? 1;
  const lrPatience = o.lrPatience ?? 2;
  const every = Math.max(1, o.validateEvery ?? 1);
  let steps = 0;
  let epochStart = performance.now();
  while (p.epoch <= o.epochs && p.bad < o.patience) {
    const bar = o.quiet ? SILENT_BAR : o.events.progress(`train/${o.name}`, `epoch ${p.epoch}/${o.epochs}`, o.stepsPerEpoch, 'step');
    if (p.step > 0) bar.tick(p.step);
    p.epochWeight ??= p.step; // a checkpoint from before step weights: every step weighed 1
    while (p.step < o.stepsPerEpoch) {
      await yieldToEventLoop();
      if (o.signal?.aborted) {
        // between steps the state is consistent: checkpoint it, so --resume continues at this very step
        if (p.step > 0) await save();
        throw new RecError('E_ABORTED', `${o.name}: training interrupted at epoch ${p.epoch}, step ${p.step} (--resume continues from here)`, { cause: o.signal.reason });
      }
      const stepStart = performance.now();
      const r = await o.step(p.epoch, p.step, p.lrScale, p.globalStep);
      const bad = [['loss', r.loss], ...Object.entries(r.terms ?? {}).map(([k, v]) => [`loss term '${k}'`, v] as const)].find(([, v]) => !Number.isFinite(v));
      if (bad || r.nonFiniteGradient !== undefined) {
        const what = bad ? `the ${String(bad[0])} is ${String(bad[1])}` : `the gradient of ${r.nonFiniteGradient} is not finite (loss ${r.loss})`;
        throw new RecError('E_NUMERIC', `${o.name}: ${what} at epoch ${p.epoch}, step ${p.step + 1} (global step ${p.globalStep + 1}); the step was not kept, and ${describeCheckpoint(lastSave, o.checkpointDir)}`, {
          hint: 'Lower the learning rate or the loss weights, or check the initial weights (a weights file holding NaN or huge values); then --resume, or start a fresh run.',
        });
      }
      const w = r.weight ?? 1;
      p.epochLoss += r.loss * w;
      p.epochWeight += w;
      if (r.tokens !== undefined) {
        p.epochTokens = (p.epochTokens ?? 0) + r.tokens;
        p.epochStepSeconds = (p.epochStepSeconds ?? 0) + (performance.now() - stepStart) / 1000;
      }
      for (const [k, v] of Object.entries(r.terms ?? {})) p.epochTerms[k] = (p.epochTerms[k] ?? 0) + v * w;
      p.step++;
      p.globalStep++;
      steps++;
      bar.tick(1, { loss: Number(r.loss.toFixed(4)), ...(r.info ?? {}) });
      if (o.afterStep) await o.afterStep(p.globalStep);
      if (o.checkpointEvery && p.step % o.checkpointEvery === 0 && p.step < o.stepsPerEpoch) await save();
    }
    const n = p.epochWeight > 0 ? p.epochWeight : Math.max(1, o.stepsPerEpoch);
    const loss = p.epochLoss / n;
    const terms = Object.fromEntries(Object.entries(p.epochTerms).map(([k, v]) => [k, v / n]));
    bar.done({ loss: Number(loss.toFixed(4)) });
    o.events.metric(`${o.name}/loss`, loss, p.epoch, 'train');
    for (const [k, v] of Object.entries(terms)) o.events.metric(`${o.name}/${k}`, v, p.epoch, 'train');
    const lr = p.lrScale; // the scale of this epoch's steps (a reduction below applies from the next epoch)
    let valid: MetricValues | undefined;
    if (o.validate && (p.epoch % every === 0 || p.epoch === o.epochs)) {
      const metric = o.metric ?? 'ndcg@10';
      valid = await o.validate(p.epoch);
      if (!(metric in valid) || !Number.isFinite(valid[metric])) {
        const computed = Object.keys(valid);
        if (metric in valid) throw new RecError('E_NUMERIC', `${o.name}: the validation ${metric} is ${String(valid[metric])} at epoch ${p.epoch}; ${describeCheckpoint(lastSave, o.checkpointDir)}`, { hint: 'The model scores are not finite: lower the learning rate or check the weights.' });
        throw new RecError('E_CONFIG', `${o.name}: the early-stopping metric '${metric}' is not among the validation results; computed: ${computed.join(', ') || '(none)'}`, { hint: metricHint(metric, computed) });
      }
      for (const [k, v] of Object.entries(valid)) o.events.metric(`${o.name}/${k}`, v, p.epoch, 'valid');
      const m = valid[metric]!;
      if (p.best === null || m > p.best) {
        Object.assign(p, { best: m, bestEpoch: p.epoch, bestValid: valid, bad: 0, sinceDecay: 0 });
        o.snapshotBest?.();
      } else {
        p.bad += every;
        p.sinceDecay += every;
        if (lrDecay < 1 && p.sinceDecay >= lrPatience && p.bad < o.patience) {
          p.lrScale *= lrDecay;
          p.sinceDecay = 0;
          o.events.info(`${o.name}: no ${metric} gain for ${lrPatience} epochs, learning rate ×${p.lrScale}`);
        }
      }
    }
    const throughput = p.epochTokens !== undefined ? { tokens: p.epochTokens, stepSeconds: p.epochStepSeconds ?? 0 } : {};
    p.history.push({ epoch: p.epoch, loss, ...(Object.keys(terms).length ? { terms } : {}), lr, ...(valid ? { valid } : {}), seconds: (performance.now() - epochStart) / 1000, ...throughput });
    epochStart = performance.now();
    o.events.log(o.quiet ? 'debug' : 'info', `${o.name}: epoch ${p.epoch} loss ${loss.toFixed(4)}${Object.entries(terms).map(([k, v]) => ` ${k} ${v.toFixed(4)}`).join('')}${valid ? ` · valid ${o.metric ?? 'ndcg@10'} ${valid[o.metric ?? 'ndcg@10']!.toFixed(4)}` : ''}`);
    Object.assign(p, { epoch: p.epoch + 1, step: 0, epochLoss: 0, epochTerms: {}, epochWeight: 0 });
    delete p.epochTokens;
    delete p.epochStepSeconds;
    await save();
    if (o.onEpoch) await o.onEpoch(p.history);
  }
  if (p.bestEpoch > 0) o.restoreBest?.();
  return { progress: p, ...(resumedFrom ? { resumedFrom } : {}), seconds: elapsed(), previousSeconds: baseSeconds, steps };
}

/** The fix for an early-stopping metric validation did not compute: a computed one of its family, or its cut-off in --ks. */
function metricHint(metric: string, computed: readonly string[]): string {
  const [family, cutoff] = metric.split('@');
  const alternative = computed.find((k) => k.split('@')[0] === family) ?? computed[0];
  const hints = [...(alternative !== undefined ? [`use a computed metric (--set metric=${alternative})`] : []), ...(cutoff !== undefined ? [`add the cut-off ${cutoff} to --ks`] : [])];
  return hints.length ? `${hints.join(', or ')}.`.replace(/^./, (c) => c.toUpperCase()) : 'Pick a computed metric (--set metric=…).';
}
