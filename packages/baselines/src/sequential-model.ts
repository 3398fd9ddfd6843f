import * as tf from '@tensorflow/tfjs-core';
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import type { EvalCase, MetricValues, Rng, TrainContext, TrainReport, TrainableRecommender } from '@ed2/core';
import { softmaxCrossEntropyRows } from '@ed2/core';
import { gatherRows } from './gather-rows';
import { gbceBeta } from './gbce-beta';
import { padLeft } from './sequence-batch';
import { trainSequential, type TrainerOptions } from './sequential-trainer';

let nextVariableId = 0;

export interface SequentialModelOptions extends TrainerOptions {
  readonly numItems: number;
  readonly maxLen: number;
  readonly dim: number;
  readonly loss: 'ce' | 'bce';
  /** BCE negative sampler (default 'unseen'); see the sasrec config. */
  readonly negatives?: 'any' | 'unseen';
  /** Share of BCE negatives drawn from the position's own prefix (default 0); see the sasrec config. */
  readonly historyNegatives?: number;
  /** gBCE calibration t ∈ [0, 1] of the BCE loss (default 0 = plain BCE); see the sasrec config. */
  readonly gbceT?: number;
  /** Score with the input item table (default true) or a separate output table `item/output`. */
  readonly tied?: boolean;
}

/**
 * Base of the id-based sequential baselines: an item table `item/embedding` [numItems + 1, dim]
 * (row 0 = padding, item i at row i + 1) that also serves as the tied output layer; subclasses
 * implement `hidden` (ids [batch, seq] → states [batch, seq, dim]).
 */
export abstract class SequentialModel implements TrainableRecommender {
  abstract readonly name: string;
  readonly variables: Record<string, tf.Variable> = {};
  private disposed = false;

  constructor(
    readonly options: SequentialModelOptions,
    protected readonly initRng: Rng,
  ) {
    const { numItems, dim } = options;
    const table = () => tf.tidy(() => tf.concat([tf.zeros([1, dim]), tf.truncatedNormal([numItems, dim], 0, 0.02, 'float32', initRng.tfSeed())]));
    this.addVariable('item/embedding', table());
    if (options.tied === false) this.addVariable('item/output', table());
  }

  protected addVariable(logical: string, init: tf.Tensor): tf.Variable {
    const v = tf.variable(init, true, `baselines/${logical}/${nextVariableId++}`);
    init.dispose();
    this.variables[logical] = v;
    return v;
  }

  get itemTable(): tf.Variable<tf.Rank.R2> {
    return this.variables['item/embedding'] as tf.Variable<tf.Rank.R2>;
  }

  /** The table scores are taken against, [numItems + 1, dim] (row 0 unused): the item table when tied. */
  get outputTable(): tf.Variable<tf.Rank.R2> {
    return (this.variables['item/output'] ?? this.variables['item/embedding']) as tf.Variable<tf.Rank.R2>;
  }

  /** Embedded ids [batch, seq, dim], padding rows zeroed (the custom gather gradient is fast per backend). */
  protected embed(ids: tf.Tensor2D): tf.Tensor3D {
    const [b, l] = ids.shape;
    const e = gatherRows(this.itemTable, ids.reshape([b * l]) as tf.Tensor1D).reshape([b, l, this.options.dim]);
    return tf.mul(e, tf.expandDims(tf.cast(tf.notEqual(ids, 0), 'float32'), 2)) as tf.Tensor3D;
  }

  /** ids: int32 [batch, seq] (0 = padding) → hidden states [batch, seq, dim]; `seed` drives dropout. */
  abstract hidden(ids: tf.Tensor2D, training: boolean, seed: number): tf.Tensor3D;

  /**
   * Mean training loss of one batch (CE over all items, or BCE with `negatives`), over the positions
   * that have a target. CE computes logits only for those rows (most positions are left padding).
   */
  loss(ids: tf.Tensor2D, targets: tf.Tensor2D, negatives: tf.Tensor2D | undefined, seed: number): tf.Scalar {
    const [b, l] = ids.shape;
    const d = this.options.dim;
    if (this.options.loss === 'ce') {
      const t = targets.dataSync() as Int32Array; // host-made ids: nothing pending to wait for
      const positions: number[] = [];
      const labels: number[] = [];
      for (let i = 0; i < b * l; i++) {
        if (t[i] === 0) continue;
        positions.push(i);
        labels.push(t[i] - 1);
      }
      return tf.tidy(() => {
        const h = this.hidden(ids, true, seed).reshape([b * l, d]) as tf.Tensor2D;
        if (positions.length === 0) return tf.mul(tf.sum(h), 0) as tf.Scalar;
        const rows = gatherRows(h, tf.tensor1d(positions, 'int32'));
        const logits = tf.matMul(rows, tf.slice(this.outputTable, [1, 0], [-1, -1]), false, true) as tf.Tensor2D;
        return tf.mean(softmaxCrossEntropyRows(logits, Int32Array.from(labels))) as tf.Scalar;
      });
    }
    return tf.tidy(() => {
      const h = this.hidden(ids, true, seed).reshape([b * l, d]) as tf.Tensor2D;
      const tgt = targets.reshape([b * l]) as tf.Tensor1D;
      const mask = tf.cast(tf.notEqual(tgt, 0), 'float32');
      const count = tf.maximum(tf.sum(mask), 1);
      const pos = tf.sum(tf.mul(h, gatherRows(this.outputTable, tgt)), 1);
      const neg = tf.sum(tf.mul(h, gatherRows(this.outputTable, negatives!.reshape([b * l]) as tf.Tensor1D)), 1);
      // −β·log σ(pos) − log(1 − σ(neg)) = β·softplus(−pos) + softplus(neg); β = 1 is BCE, β < 1 gBCE
      const beta = gbceBeta(this.options.gbceT ?? 0, this.options.numItems);
      const posTerm = tf.softplus(tf.neg(pos));
      const per = tf.add(beta === 1 ? posTerm : tf.mul(posTerm, beta), tf.softplus(neg));
      return tf.div(tf.sum(tf.mul(per, mask)), count) as tf.Scalar;
    });
  }

  /**
   * Columns `score` feeds to `hidden`: `maxLen` here. A model whose output is exactly unchanged by leading
   * all-padding columns (masked attention) overrides it to skip them.
   */
  protected scoreWidth(_cases: readonly EvalCase[]): number {
    return this.options.maxLen;
  }

  /** [batch, numItems] = last hidden state · item table (padding column excluded); caller disposes. */
  score(cases: readonly EvalCase[]): tf.Tensor2D {
    const width = this.scoreWidth(cases);
    const ids = padLeft(cases.map((c) => c.history), width);
    return tf.tidy(() => {
      const x = tf.tensor2d(ids, [cases.length, width], 'int32');
      const h = this.hidden(x, false, 0);
      const last = tf.slice(h, [0, width - 1, 0], [-1, 1, -1]).reshape([cases.length, this.options.dim]) as tf.Tensor2D;
      return tf.matMul(last, tf.slice(this.outputTable, [1, 0], [-1, -1]), false, true);
    });
  }

  fit(ctx: TrainContext): Promise<TrainReport> {
    return trainSequential(this, ctx, this.options);
  }

  parameterCount(): number {
    return Object.values(this.variables).reduce((s, v) => s + v.size, 0);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of Object.values(this.variables)) v.dispose();
  }
}

export type { MetricValues };
