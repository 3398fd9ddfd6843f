import type { ItemId, UserId } from './corpus';

/** One evaluation case: predict `target` for `user` from `history` (chronological, most recent last). */
export interface EvalCase {
  readonly user: UserId;
  readonly history: readonly ItemId[];
  readonly target: ItemId;
}

/**
 * Chronological leave-one-out: for each user with ≥ 3 items, the last item is the test target,
 * the second-to-last the validation target, the rest the training sequence.
 * `train[u]` is empty for users that have no training part (never the case after 5-core).
 */
export interface Split {
  readonly numItems: number;
  readonly numUsers: number;
  readonly train: readonly (readonly ItemId[])[];
  readonly valid: readonly EvalCase[];
  readonly test: readonly EvalCase[];
}
