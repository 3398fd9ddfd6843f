import type { Corpus } from './corpus';
import type { Recommender } from './recommender';
import type { EvalCase, Split } from './split';
import type { EventBus } from '../events/event-bus';
import type { Rng } from '../random/rng';

/** Metric name → value, e.g. `{ 'ndcg@10': 0.071, 'hr@10': 0.11 }`. */
export type MetricValues = Readonly<Record<string, number>>;

/** What a trainable model receives in `fit`. */
export interface TrainContext {
  readonly corpus: Corpus;
  readonly split: Split;
  readonly rng: Rng;
  readonly events: EventBus;
  readonly signal?: AbortSignal;
  /** Where to write checkpoints (each epoch, atomically); undefined → no checkpoints. */
  readonly checkpointDir?: string;
  /** Continue from the checkpoint in `checkpointDir` if there is one. */
  readonly resume?: boolean;
  /** Scores the model on the validation cases (the evaluator, bound to `split.valid`). */
  validate(model: Recommender): Promise<MetricValues>;
  /** The same evaluator on given cases (e.g. a seeded validation subsample of a generative model). */
  validateOn?(model: Recommender, cases: readonly EvalCase[]): Promise<MetricValues>;
  /** Called after every epoch with the history so far (the CLI writes `train-history.json` with it). */
  onEpoch?(history: TrainReport['history']): Promise<void>;
}

export interface TrainReport {
  readonly epochs: number;
  readonly bestEpoch: number;
  readonly bestValid: MetricValues;
  readonly seconds: number;
  /** Training sequences (or samples) per second, averaged over epochs. */
  readonly throughput?: number;
  readonly resumedFromEpoch?: number;
  /** Per epoch: mean training loss, learning rate used (where the trainer has one), validation metrics, wall time. */
  readonly history: readonly { epoch: number; loss: number; lr?: number; valid?: MetricValues; seconds: number; terms?: Readonly<Record<string, number>> }[];
  /** Anything else the trainer reports (index statistics, changed indices, …), kept in metrics.json. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** A model that trains itself on a split and then ranks (a `Recommender` after `fit`). */
export interface TrainableRecommender extends Recommender {
  fit(ctx: TrainContext): Promise<TrainReport>;
  /** Number of trainable scalars. */
  parameterCount(): number;
  dispose(): void;
}
