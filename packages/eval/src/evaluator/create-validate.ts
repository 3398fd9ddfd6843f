import type { EvalCase, EventBus, MetricValues, Recommender } from '@ed2/core';
import type { Evaluator } from './evaluator';

/**
 * `TrainContext.validate` from an evaluator bound to validation cases (`split.valid`): returns the
 * mean metrics. Progress goes to `events` as `eval/<label>` (default `valid`).
 */
export function createValidate(
  evaluator: Evaluator,
  cases: readonly EvalCase[],
  options: { readonly events?: EventBus; readonly signal?: AbortSignal; readonly label?: string } = {},
): (model: Recommender) => Promise<MetricValues> {
  const { label = 'valid', ...rest } = options;
  return async (model) => (await evaluator.evaluate(model, cases, { ...rest, label })).metrics;
}
