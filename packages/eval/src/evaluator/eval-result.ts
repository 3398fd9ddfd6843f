import type { MetricValues } from '@ed2/core';

/** How the ranks behind an `EvalResult` were obtained (reports state it). */
export interface EvalProtocol {
  /** The user's history items were masked (−∞) before ranking. */
  readonly excludeSeen: boolean;
  readonly ks: readonly number[];
  /** `full`: among all items via `score`; `top-k`: position in `recommend` lists. */
  readonly ranking: 'full' | 'top-k';
  /** Tied items rank ahead of the target. */
  readonly ties: 'pessimistic';
  /** Items ranked over (full ranking). */
  readonly numItems?: number;
  /** List length asked from `recommend` (top-k ranking); targets outside it score 0. */
  readonly topK?: number;
  /** Prompt templates the metrics are averaged over (generative models). */
  readonly templates?: number;
  /** What constrains the generated lists (generative models), e.g. 'trie over the item indices, beam 20'. */
  readonly constraint?: string;
}

/** Result of one evaluation: means, per-case values aligned with `users`, and the protocol. */
export interface EvalResult {
  /** Metric name → mean over cases. */
  readonly metrics: MetricValues;
  /** Metric name → value per case (same order as `users`). */
  readonly perCase: Readonly<Record<string, Float64Array>>;
  /** 1-based rank of each case's target (top-k: k + 1 when absent). */
  readonly ranks: Int32Array;
  /** User id of each case. */
  readonly users: Int32Array;
  readonly count: number;
  readonly seconds: number;
  readonly protocol: EvalProtocol;
}
