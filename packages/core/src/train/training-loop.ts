import { RecError } from '../errors/rec-error';
import type { EventBus } from '../events/event-bus';
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
  history: { epoch: number; loss: number; terms?: Record<string, number>; lr?: number; valid?: MetricValues; seconds: number }[];
}

export interface StepResult {
  readonly loss: number;
  /** Every loss term of the step, by name (logged per epoch). */
  readonly terms?: Readonly<Record<string, number>>;
}

export interface TrainingLoopOptions {
  readonly name: string;
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  readonly patience: number;
  /** Validation metric for early stopping; it must be among the validation results. */
  readonly metric: string;
  readonly lrDecay?: number;
  readonly lrPatience?: number;
  /** Checkpoint every this many steps inside an epoch (0 = only at epoch ends). */
  readonly checkpointEvery?: number;
  readonly events: EventBus;
  readonly signal?: AbortSignal;
  /** One optimizer step (epoch 1-based, step 0-based within the epoch); `lrScale` multiplies the base rate. */
  step(epoch: number, step: number, lrScale: number, globalStep: number): Promise<StepResult>;
  validate(epoch: number): Promise<MetricValues>;
  /** Persist everything (weights, optimizer, best weights, progress); must be atomic. */
  save?(progress: LoopProgress): Promise<void>;
  /** The saved progress, after restoring weights and optimizer; undefined for a fresh start. */
  restore?(): Promise<LoopProgress | undefined>;
  /** Remember the current weights as the best ones / put the best ones back. */
  snapshotBest(): void;
  restoreBest(): void;
  /** Hook after each step (e.g. dynamic re-indexing). */
  afterStep?(globalStep: number): Promise<void>;
}

export interface LoopReport {
  readonly progress: LoopProgress;
  readonly resumedFrom?: { epoch: number; step: number };
  readonly seconds: number;
  readonly steps: number;
}

function fresh(): LoopProgress {
  return { epoch: 1, step: 0, globalStep: 0, best: null, bestEpoch: 0, bestValid: {}, bad: 0, lrScale: 1, sinceDecay: 0, epochLoss: 0, epochTerms: {}, history: [] };
}

/**
 * The training loop every trainer runs: epochs of steps, early stopping on a validation metric that must exist
 * (else E_CONFIG listing the computed ones), reduce-on-plateau, best weights restored at the end, atomic
 * checkpoints at every epoch end, every `checkpointEvery` steps and when aborted between steps, `--resume` from the saved step, abort
 * between steps (the last checkpoint stays), progress bars and metric events. A non-finite loss stops the run
 * with E_NUMERIC naming the step and the term.
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
  const lrDecay = o.lrDecay ?? 1;
  const lrPatience = o.lrPatience ?? 2;
  let steps = 0;
  let epochStart = performance.now();
  while (p.epoch <= o.epochs && p.bad < o.patience) {
    const bar = o.events.progress(`train/${o.name}`, `epoch ${p.epoch}/${o.epochs}`, o.stepsPerEpoch, 'step');
    if (p.step > 0) bar.tick(p.step);
    while (p.step < o.stepsPerEpoch) {
      await yieldToEventLoop();
      if (o.signal?.aborted) {
        // between steps the state is consistent: checkpoint it, so --resume continues at this very step
        if (o.save && p.step > 0) await o.save(p);
        throw new RecError('E_ABORTED', `${o.name}: training interrupted at epoch ${p.epoch}, step ${p.step} (--resume continues from here)`, { cause: o.signal.reason });
      }
      const r = await o.step(p.epoch, p.step, p.lrScale, p.globalStep);
      const bad = [['loss', r.loss], ...Object.entries(r.terms ?? {})].find(([, v]) => !Number.isFinite(v as number));
      if (bad) {
        throw new RecError('E_NUMERIC', `${o.name}: the ${String(bad[0])} is ${String(bad[1])} at epoch ${p.epoch}, step ${p.step + 1}`, { hint: 'Lower the learning rate or the loss weights; the last good checkpoint is kept in the run folder (--resume continues from it).' });
      }
      p.epochLoss += r.loss;
      for (const [k, v] of Object.entries(r.terms ?? {})) p.epochTerms[k] = (p.epochTerms[k] ?? 0) + v;
      p.step++;
      p.globalStep++;
      steps++;
      bar.tick(1, { loss: Number(r.loss.toFixed(4)) });
      if (o.afterStep) await o.afterStep(p.globalStep);
      if (o.save && o.checkpointEvery && p.step % o.checkpointEvery === 0 && p.step < o.stepsPerEpoch) await o.save(p);
    }
    bar.done();
    const n = Math.max(1, o.stepsPerEpoch);
    const loss = p.epochLoss / n;
    const terms = Object.fromEntries(Object.entries(p.epochTerms).map(([k, v]) => [k, v / n]));
    o.events.metric(`${o.name}/loss`, loss, p.epoch, 'train');
    for (const [k, v] of Object.entries(terms)) o.events.metric(`${o.name}/${k}`, v, p.epoch, 'train');
    const valid = await o.validate(p.epoch);
    if (!(o.metric in valid)) {
      throw new RecError('E_CONFIG', `${o.name}: the early-stopping metric '${o.metric}' is not among the validation results; computed: ${Object.keys(valid).join(', ') || '(none)'}`, { hint: 'Pick a computed metric (--set metric=…) or add its cut-off to --ks.' });
    }
    for (const [k, v] of Object.entries(valid)) o.events.metric(`${o.name}/${k}`, v, p.epoch, 'valid');
    const m = valid[o.metric]!;
    if (p.best === null || m > p.best) {
      Object.assign(p, { best: m, bestEpoch: p.epoch, bestValid: valid, bad: 0, sinceDecay: 0 });
      o.snapshotBest();
    } else {
      p.bad++;
      p.sinceDecay++;
      if (lrDecay < 1 && p.sinceDecay >= lrPatience && p.bad < o.patience) {
        p.lrScale *= lrDecay;
        p.sinceDecay = 0;
        o.events.info(`${o.name}: no ${o.metric} gain for ${lrPatience} epochs, learning rate ×${p.lrScale}`);
      }
    }
    p.history.push({ epoch: p.epoch, loss, terms, lr: p.lrScale, valid, seconds: (performance.now() - epochStart) / 1000 });
    epochStart = performance.now();
    o.events.info(`${o.name}: epoch ${p.epoch} loss ${loss.toFixed(4)} ${Object.entries(terms).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(' ')} · valid ${o.metric} ${m.toFixed(4)}`);
    Object.assign(p, { epoch: p.epoch + 1, step: 0, epochLoss: 0, epochTerms: {} });
    if (o.save) await o.save(p);
  }
  if (p.bestEpoch > 0) o.restoreBest();
  return { progress: p, ...(resumedFrom ? { resumedFrom } : {}), seconds: (performance.now() - t0) / 1000, steps };
}
