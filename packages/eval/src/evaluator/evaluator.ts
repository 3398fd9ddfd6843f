import type * as tf from '@tensorflow/tfjs-core';
import { RecError, formatZodError, yieldToEventLoop, type EvalCase, type EventBus, type MetricValues, type ProgressHandle, type Recommender } from '@ed2/core';
import { metricValue, type MetricSpec } from '../metrics/metric-spec';
import { resolveMetrics } from '../metrics/resolve-metrics';
import { ranksFromRankings } from '../ranking/ranks-from-rankings';
import { ranksFromScores } from '../ranking/ranks-from-scores';
import type { EvalProtocol, EvalResult } from './eval-result';
import { evaluatorConfig, type EvaluatorConfig, type EvaluatorConfigInput } from './evaluator-config';

export interface EvaluateOptions {
  /** Progress (`eval/<label>`) goes here. */
  readonly events?: EventBus;
  /** Checked between batches; an aborted evaluation throws RecError `E_ABORTED`. */
  readonly signal?: AbortSignal;
  /** Names the evaluated split in progress ids and labels (default `test`). */
  readonly label?: string;
}

/**
 * Ranks each case's target with any `Recommender`, batch by batch, and averages HR@K / NDCG@K /
 * MRR. Score-based models are ranked over all items on the backend (pessimistic ties, NaN worst;
 * see `ranksFromScores`); generative models by the target's position in `recommend(cases, topK)`.
 * The default protocol ranks over every item, seen ones included (`excludeSeen: false`).
 */
export class Evaluator {
  readonly config: EvaluatorConfig;
  readonly metrics: readonly MetricSpec[];

  constructor(config: EvaluatorConfigInput = {}) {
    const parsed = evaluatorConfig.safeParse(config);
    if (!parsed.success) throw new RecError('E_CONFIG', `invalid evaluator config: ${formatZodError(parsed.error)}`);
    this.config = parsed.data;
    this.metrics = resolveMetrics(this.config.metrics, this.config.ks);
  }

  get metricNames(): string[] {
    return this.metrics.map((m) => m.name);
  }

  async evaluate(model: Recommender, cases: readonly EvalCase[], options: EvaluateOptions = {}): Promise<EvalResult> {
    const { events, signal, label = 'test' } = options;
    const mode = this.mode(model);
    const topK = mode === 'top-k' ? this.topK() : undefined;
    if (cases.length === 0) throw new RecError('E_DATA_MISSING', `no ${label} cases to evaluate ${model.name} on`);
    const start = performance.now();
    const { batchSize, excludeSeen } = this.config;
    const ranks = new Int32Array(cases.length);
    let numItems: number | undefined;
    const progress: ProgressHandle | undefined = events?.progress(`eval/${label}`, `evaluate ${model.name} on ${label}`, cases.length, 'cases');
    // Batches group cases of similar history length (ranks go back to the callers' order): a sequence model can
    // then drop the padding its batch does not need. Ranks do not depend on the batch a case is scored in.
    const order = Int32Array.from(cases.keys()).sort((a, b) => cases[a].history.length - cases[b].history.length || a - b);
    for (let from = 0; from < cases.length; from += batchSize) {
      await yieldToEventLoop(); // a Ctrl-C handler runs between batches, not only when the evaluation ends
      throwIfAborted(signal, model.name, label);
      const idx = order.subarray(from, from + batchSize);
      const batch = Array.from(idx, (i) => cases[i]);
      const targets = batch.map((c) => c.target);
      const exclude = excludeSeen ? batch.map((c) => c.history) : undefined;
      let batchRanks: Int32Array;
      if (mode === 'full') {
        const scores = await call(model, 'score', batch, () => model.score!(batch));
        try {
          numItems = checkScores(scores, batch.length, numItems, model.name);
          batchRanks = await ranksFromScores(scores, targets, exclude ? { exclude } : {});
        } finally {
          scores.dispose();
        }
      } else {
        const lists = await call(model, 'recommend', batch, () => model.recommend!(batch, topK!));
        batchRanks = ranksFromRankings(lists, targets, topK!, exclude);
      }
      idx.forEach((i, j) => (ranks[i] = batchRanks[j]));
      progress?.tick(batch.length);
    }
    throwIfAborted(signal, model.name, label);
    const cutoff = topK ?? Infinity;
    const perCase: Record<string, Float64Array> = {};
    const metrics: Record<string, number> = {};
    for (const spec of this.metrics) {
      const values = new Float64Array(cases.length);
      let sum = 0;
      for (let i = 0; i < ranks.length; i++) {
        values[i] = metricValue(spec, ranks[i], cutoff);
        sum += values[i];
      }
      perCase[spec.name] = values;
      metrics[spec.name] = sum / cases.length;
    }
    progress?.done(metrics);
    const protocol: EvalProtocol = {
      excludeSeen,
      ks: [...this.config.ks],
      ranking: mode,
      ties: 'pessimistic',
      ...(numItems !== undefined ? { numItems } : {}),
      ...(topK !== undefined ? { topK } : {}),
    };
    return {
      metrics: metrics as MetricValues,
      perCase,
      ranks,
      users: Int32Array.from(cases, (c) => c.user),
      count: cases.length,
      seconds: (performance.now() - start) / 1000,
      protocol,
    };
  }

  private mode(model: Recommender): 'full' | 'top-k' {
    const want = this.config.ranking;
    if (want === 'full' || (want === 'auto' && model.score)) {
      if (!model.score) throw new RecError('E_UNSUPPORTED', `model ${model.name} has no score(), so it cannot be ranked over all items`, { hint: 'use ranking "top-k" (recommend) or "auto"' });
      return 'full';
    }
    if (!model.recommend) {
      throw new RecError('E_UNSUPPORTED', `model ${model.name} implements ${want === 'top-k' ? 'no recommend()' : 'neither score() nor recommend()'}; the evaluator needs one of them`);
    }
    return 'top-k';
  }

  /** List length for top-k ranking: `topK` or the largest cutoff; an error if a metric needs more. */
  private topK(): number {
    const cutoffs = this.metrics.flatMap((m) => (m.k === undefined ? [] : [m.k]));
    const needed = Math.max(...(cutoffs.length ? cutoffs : this.config.ks));
    const k = this.config.topK ?? needed;
    const over = this.metrics.find((m) => m.k !== undefined && m.k > k);
    if (over) throw new RecError('E_CONFIG', `metric ${over.name} needs a top-k list of at least ${over.k} items but topK is ${k}`, { hint: `raise topK to ${needed} or drop the larger cutoffs` });
    return k;
  }
}

function throwIfAborted(signal: AbortSignal | undefined, model: string, label: string): void {
  if (signal?.aborted) throw new RecError('E_ABORTED', `evaluation of ${model} on ${label} was aborted`, { cause: signal.reason });
}

async function call<T>(model: Recommender, method: string, batch: readonly EvalCase[], fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (RecError.is(e)) throw e;
    const users = batch.slice(0, 3).map((c) => c.user).join(', ');
    throw new RecError('E_INTERNAL', `${model.name}.${method}() failed on a batch of ${batch.length} cases (users ${users}${batch.length > 3 ? ', …' : ''})`, { cause: e });
  }
}

/** Validates a score batch; returns numItems (consistent across batches). */
function checkScores(scores: tf.Tensor, batch: number, numItems: number | undefined, name: string): number {
  const [b, n] = scores.shape;
  if (scores.rank !== 2 || b !== batch || (numItems !== undefined && n !== numItems)) {
    throw new RecError('E_SHAPE', `${name}.score() returned shape [${scores.shape.join(', ')}], expected [${batch}, ${numItems ?? 'numItems'}]`);
  }
  return n;
}
