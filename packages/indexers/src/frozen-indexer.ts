import * as tf from '@tensorflow/tfjs-core';
import { RecError, Rng, loadCheckpoint, saveCheckpoint } from '@ed2/core';
import type { IndexerFitOptions, IndexerFitReport, IndexerLossOptions, IndexerLosses, JsonValue } from '@ed2/core';
import { BaseIndexer, type BaseIndexerOptions } from './base-indexer';
import { namedVariable } from './dense';

/**
 * Base of the indexers whose codes are not learned (LSH, precomputed indices): frozen, seeded random
 * codeword rows [N, D] per level stand in for the codebooks (the backbone's embedding provider treats
 * them like any other codebook, §1.6b), and `losses` is zero with one-hot probabilities.
 */
export abstract class FrozenIndexer extends BaseIndexer {
  readonly trainable = false;
  private books: tf.Variable[] | undefined;

  constructor(o: BaseIndexerOptions) {
    super(o);
  }

  /** Codes (row-major [n, M]) for the rows of `x`; `refresh` = recompute from x where the indexer can. */
  protected abstract codesFor(x: tf.Tensor2D, refresh: boolean): Int32Array;
  /** New tensors to checkpoint besides the codebooks (e.g. LSH hyperplanes; `save` disposes them). */
  protected extraTensors(): Record<string, tf.Tensor> {
    return {};
  }
  protected restoreExtra(_tensors: Record<string, tf.Tensor>, _meta: Record<string, unknown>): void {}
  protected extraMeta(): Record<string, JsonValue> {
    return {};
  }

  codebooks(): readonly tf.Variable[] {
    if (!this.books) {
      const rng = new Rng(this.seed).fork(`${this.kind}/frozen-codebooks`);
      this.books = Array.from({ length: this.levels }, (_, m) => {
        const data = new Float32Array(this.codebookSize * this.codeDim);
        for (let i = 0; i < data.length; i++) data[i] = rng.normal(0, 0.1);
        return namedVariable(tf.tensor2d(data, [this.codebookSize, this.codeDim]), `${this.name}/${this.kind}/codebook${m}`, false);
      });
    }
    return this.books;
  }

  variables(): readonly tf.Variable[] {
    return this.codebooks();
  }

  async fit(x: tf.Tensor2D, _options: IndexerFitOptions = {}): Promise<IndexerFitReport> {
    const t0 = performance.now();
    this.current = this.codesFor(x, true);
    return { epochs: 0, steps: 0, seconds: (performance.now() - t0) / 1000, history: [] };
  }

  async assign(x: tf.Tensor2D): Promise<Int32Array> {
    this.current = this.codesFor(x, false);
    return this.current;
  }

  losses(x: tf.Tensor2D, _options: IndexerLossOptions): IndexerLosses {
    return this.frozenLosses(this.codesFor(x, false), x.shape[0]);
  }

  async save(dir: string): Promise<void> {
    const extra = this.extraTensors();
    const tensors: Record<string, tf.Tensor> = { ...extra };
    this.codebooks().forEach((b, m) => (tensors[`codebook${m}`] = b));
    try {
      await saveCheckpoint(dir, { tensors, meta: { indexer: this.name, kind: this.kind, codes: this.current ? Array.from(this.current) : null, ...this.extraMeta() } });
    } finally {
      tf.dispose(Object.values(extra));
    }
  }

  async load(dir: string): Promise<void> {
    const ckpt = await loadCheckpoint(dir);
    try {
      const meta = (ckpt.meta ?? {}) as Record<string, unknown>;
      if (meta.indexer !== this.name) throw new RecError('E_CHECKPOINT', `${dir} holds a ${String(meta.indexer)} indexer, not ${this.name}`);
      this.codebooks().forEach((b, m) => {
        const t = ckpt.tensors[`codebook${m}`];
        if (!t || !tf.util.arraysEqual(t.shape, b.shape)) throw new RecError('E_CHECKPOINT', `${dir}: codebook${m} is missing or has another shape`);
        b.assign(t);
      });
      this.restoreExtra(ckpt.tensors, meta);
      this.current = Array.isArray(meta.codes) ? Int32Array.from(meta.codes as number[]) : undefined;
    } finally {
      tf.dispose(Object.values(ckpt.tensors));
    }
  }

  dispose(): void {
    if (this.books) tf.dispose(this.books);
    this.books = undefined;
  }
}
