import type * as tf from '@tensorflow/tfjs-core';
import type { EventBus } from '../events/event-bus';
import type { EntityIndex } from './entity-index';

/** Which branch an indexer serves (ED²'s dual index has one of each, with disjoint token sets). */
export type IndexerKind = EntityIndex['kind'];

export interface IndexerFitOptions {
  readonly signal?: AbortSignal;
  readonly events?: EventBus;
  /** Overrides the configured number of epochs. */
  readonly epochs?: number;
}

export interface IndexerEpoch {
  readonly epoch: number;
  readonly loss: number;
  readonly recon: number;
  readonly commit: number;
  /** Codewords re-seeded by the dead-code restart during this epoch. */
  readonly restarts: number;
}

export interface IndexerFitReport {
  readonly epochs: number;
  readonly steps: number;
  readonly seconds: number;
  /** One entry per epoch (empty for indexers with nothing to train). */
  readonly history: readonly IndexerEpoch[];
}

export interface IndexerLossOptions {
  /** Training: sample the latent and the codeword (straight-through); otherwise deterministic argmin. */
  readonly training: boolean;
  /** Seed of the sampling noise of this call (same seed → same codes and losses). */
  readonly seed?: number;
}

/**
 * The indexer's forward pass for joint training, computed inside the caller's gradient tape.
 * The caller owns (and disposes) every tensor. n entities, M levels, N codewords of dim D.
 */
export interface IndexerLosses {
  /** recon + commitment weight · commit (what the indexer minimises alone). */
  readonly total: tf.Scalar;
  readonly recon: tf.Scalar;
  readonly commit: tf.Scalar;
  /** Code probabilities per level, [n, N] each (one-hot for non-probabilistic indexers). */
  readonly probs: readonly tf.Tensor2D[];
  /** Chosen codeword per level, [n, D] each; forward value is the codeword, gradient straight-through. */
  readonly chosen: readonly tf.Tensor2D[];
  /** Quantizer input (residual) per level, [n, D] each (for the m-GTR token-level loss). */
  readonly inputs: readonly tf.Tensor2D[];
  /** The codes picked in this pass, int32 [n, M]. */
  readonly codes: tf.Tensor2D;
}

/** Quality figures of one assignment of codes. */
export interface IndexStats {
  readonly entities: number;
  readonly levels: number;
  readonly codebookSize: number;
  /** 1 − distinct/n before the collision suffix. */
  readonly collisionRate: number;
  /** Entities that share their code tuple with another entity, as a fraction of n. */
  readonly collidingFraction: number;
  /** Largest collision set. */
  readonly maxCollisionSet: number;
  /** After the `<p_k>` suffix (0 when every index is unique). */
  readonly collisionRateAfter: number;
  /** Fraction of the N codes used, per level. */
  readonly usage: readonly number[];
  /** exp(entropy) of the code distribution, per level (N at most). */
  readonly perplexity: readonly number[];
  /** Mean majority-category share among entities with the same first token (when categories are given). */
  readonly firstTokenPurity?: number;
}

/**
 * Turns entity representations `x` ([n, d], row i = entity i) into M discrete codes per entity and
 * the token sequences the LLM speaks. One branch (items or users); see `DualIndexer` in @ed2/indexers.
 */
export interface Indexer {
  readonly name: string;
  readonly kind: IndexerKind;
  /** Token prefix of this branch (e.g. '' for items, 'u_' for users): tokens look like `<${prefix}a_12>`. */
  readonly prefix: string;
  /** M */
  readonly levels: number;
  /** N */
  readonly codebookSize: number;
  /** D: width of the codewords that `codebooks()` returns. */
  readonly codeDim: number;
  /** Whether `fit` / `losses` train anything (false for LSH and precomputed indices). */
  readonly trainable: boolean;
  /**
   * Whether a re-assignment follows new features (default true). False for a precomputed or generated index and for
   * static-mode LSH: a dynamic run never re-encodes the entities for them. An untrained indexer that follows them
   * (dynamic-mode LSH) is re-hashed from the texts re-encoded by the trained backbone at each re-indexing.
   */
  readonly usesFeatures?: boolean;

  fit(x: tf.Tensor2D, options?: IndexerFitOptions): Promise<IndexerFitReport>;
  /** Deterministic codes, int32 row-major [n, M]; also remembered as the current assignment. */
  assign(x: tf.Tensor2D): Promise<Int32Array>;
  /** Token sequences with collisions resolved by a `<p_k>` suffix (default: the current assignment). */
  index(codes?: Int32Array): EntityIndex;
  losses(x: tf.Tensor2D, options: IndexerLossOptions): IndexerLosses;
  /** Codeword tables [N, D], one per level (frozen for non-trainable indexers). */
  codebooks(): readonly tf.Variable[];
  /** Every variable the indexer owns (trainable ones are what joint training updates). */
  variables(): readonly tf.Variable[];
  save(dir: string): Promise<void>;
  /** Restores a `save`d state into this (identically configured) indexer. */
  load(dir: string): Promise<void>;
  stats(codes?: Int32Array, categories?: readonly (string | undefined)[]): IndexStats;
  dispose(): void;
}
