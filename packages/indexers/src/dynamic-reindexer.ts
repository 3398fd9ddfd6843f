import type * as tf from '@tensorflow/tfjs-core';
import type { EntityIndex, EventBus, Indexer } from '@ed2/core';
import { RecError } from '@ed2/core';
import { countChanged } from './collisions';

export interface ReindexResult {
  readonly step: number;
  /** Entities whose code tuple changed since the previous assignment. */
  readonly changed: number;
  readonly index: EntityIndex;
}

/**
 * Dynamic indexing inside the recommender's loop: every `every` steps, re-assigns codes from the
 * current representations with the (jointly trained) indexer and reports how many entities changed
 * index (the caller rebuilds its prefix trie when `changed > 0`).
 */
export class DynamicReindexer {
  private lastCodes: Int32Array | undefined;

  /** `initial`: the codes in use before the first re-assignment (e.g. from the warm-up fit). */
  constructor(
    readonly indexer: Indexer,
    readonly every: number,
    private readonly events?: EventBus,
    initial?: Int32Array,
  ) {
    this.lastCodes = initial ? Int32Array.from(initial) : undefined;
    if (!Number.isInteger(every) || every < 1) throw new RecError('E_CONFIG', `DynamicReindexer: every must be an integer ≥ 1, got ${every}`);
  }

  /** Re-assigns when `step` is a multiple of `every`; otherwise undefined. `x()` gives the representations [n, d] (caller keeps ownership). */
  async onStep(step: number, x: () => tf.Tensor2D): Promise<ReindexResult | undefined> {
    if (step % this.every !== 0) return undefined;
    return this.reindex(step, x());
  }

  async reindex(step: number, x: tf.Tensor2D): Promise<ReindexResult> {
    const prev = this.lastCodes;
    const next = Int32Array.from(await this.indexer.assign(x));
    const changed = prev ? countChanged(prev, next, this.indexer.levels) : x.shape[0];
    this.lastCodes = next;
    this.events?.metric(`indexer/${this.indexer.kind}/changed`, changed, step);
    return { step, changed, index: this.indexer.index(next) };
  }
}
