import * as tf from '@tensorflow/tfjs-core';
import { oneHotFloat } from './tensor-ops';
import { RecError } from '@ed2/core';
import type { EntityIndex, Indexer, IndexerFitOptions, IndexerFitReport, IndexerKind, IndexerLossOptions, IndexerLosses, IndexStats } from '@ed2/core';
import { buildEntityIndex } from './collisions';
import { computeIndexStats } from './index-stats';
import { checkLevels } from './token-naming';

export interface BaseIndexerOptions {
  readonly kind: IndexerKind;
  readonly prefix?: string;
  readonly levels: number;
  readonly codebookSize: number;
  readonly codeDim: number;
  readonly suffixTokens: number;
  readonly seed: number;
}

/** The default token prefix of a branch: '' for items, 'u_' for users. */
export function defaultPrefix(kind: IndexerKind): string {
  return kind === 'user' ? 'u_' : '';
}

/** Shared by every indexer: identity, the current assignment, collision-resolved indices and statistics. */
export abstract class BaseIndexer implements Indexer {
  abstract readonly name: string;
  abstract readonly trainable: boolean;
  readonly kind: IndexerKind;
  readonly prefix: string;
  readonly levels: number;
  readonly codebookSize: number;
  readonly codeDim: number;
  readonly seed: number;
  protected readonly suffixTokens: number;
  /** The current assignment (row-major [n, M]), set by assign()/fit()/load(). */
  protected current: Int32Array | undefined;

  constructor(o: BaseIndexerOptions) {
    checkLevels(o.levels);
    this.kind = o.kind;
    this.prefix = o.prefix ?? defaultPrefix(o.kind);
    this.levels = o.levels;
    this.codebookSize = o.codebookSize;
    this.codeDim = o.codeDim;
    this.suffixTokens = o.suffixTokens;
    this.seed = o.seed;
  }

  abstract fit(x: tf.Tensor2D, options?: IndexerFitOptions): Promise<IndexerFitReport>;
  abstract assign(x: tf.Tensor2D): Promise<Int32Array>;
  abstract losses(x: tf.Tensor2D, options: IndexerLossOptions): IndexerLosses;
  abstract codebooks(): readonly tf.Variable[];
  abstract variables(): readonly tf.Variable[];
  abstract save(dir: string): Promise<void>;
  abstract load(dir: string): Promise<void>;
  abstract dispose(): void;

  /** The current assignment (throws when nothing has been assigned yet). */
  codes(): Int32Array {
    if (!this.current) {
      throw new RecError('E_CONFIG', `${this.name} (${this.kind}): no codes assigned yet`, { hint: 'Call fit(x) or assign(x) first.' });
    }
    return this.current;
  }

  index(codes?: Int32Array): EntityIndex {
    return buildEntityIndex(codes ?? this.codes(), {
      kind: this.kind,
      prefix: this.prefix,
      levels: this.levels,
      codebookSize: this.codebookSize,
      seed: this.seed,
      suffixTokens: this.suffixTokens,
    });
  }

  stats(codes?: Int32Array, categories?: readonly (string | undefined)[]): IndexStats {
    const c = codes ?? this.codes();
    const s = computeIndexStats(c, this.levels, this.codebookSize, categories);
    const texts = this.index(c).tokens.map((t) => t.join(''));
    return { ...s, collisionRateAfter: texts.length === 0 ? 0 : 1 - new Set(texts).size / texts.length };
  }

  /** One-hot losses for indexers without a trainable quantizer: zero losses, chosen = inputs = codewords. */
  protected frozenLosses(codes: Int32Array, n: number): IndexerLosses {
    const books = this.codebooks();
    return tf.tidy(() => {
      const c = tf.tensor2d(codes, [n, this.levels], 'int32');
      const probs: tf.Tensor2D[] = [];
      const chosen: tf.Tensor2D[] = [];
      for (let m = 0; m < this.levels; m++) {
        const onehot = oneHotFloat(tf.reshape(tf.slice(c, [0, m], [n, 1]), [n]) as tf.Tensor1D, this.codebookSize);
        probs.push(onehot);
        chosen.push(tf.matMul(onehot, books[m]));
      }
      const inputs = chosen.map((t) => tf.clone(t));
      return { total: tf.scalar(0), recon: tf.scalar(0), commit: tf.scalar(0), probs, chosen, inputs, codes: c };
    });
  }
}
