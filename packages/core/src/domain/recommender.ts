import type { Tensor2D } from '@tensorflow/tfjs-core';
import type { EvalCase } from './split';

/**
 * Anything the evaluator can rank with. A model implements `score` (full scores over all items,
 * `[batch, numItems]`, caller disposes) or `recommend` (top-k item ids per case, best first — the
 * generative models' constrained beam search), or both.
 */
export interface Recommender {
  readonly name: string;
  score?(cases: readonly EvalCase[]): Tensor2D | Promise<Tensor2D>;
  recommend?(cases: readonly EvalCase[], k: number): Promise<ItemRanking[]>;
}

/** Top-k item ids, best first, with optional scores. */
export interface ItemRanking {
  readonly items: readonly number[];
  readonly scores?: readonly number[];
}
