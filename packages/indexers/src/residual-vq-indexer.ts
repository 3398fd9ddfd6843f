import * as tf from '@tensorflow/tfjs-core';
import { stopGradient } from './tensor-ops';
import { AdamW, EventBus, RecError, Rng, applyFiniteGradients, loadCheckpoint, runTrainingLoop, saveCheckpoint } from '@ed2/core';
import type { IndexerEpoch, IndexerFitOptions, IndexerFitReport, IndexerLossOptions, IndexerLosses, JsonValue } from '@ed2/core';
import { BaseIndexer } from './base-indexer';
import { DeadCodeRestart } from './dead-code-restart';
import { Mlp, namedVariable } from './dense';
import { kmeans, squaredDistances } from './kmeans';
import type { RqvaeConfig } from './configs';

/** Options shared by the trained residual quantizers (hvqae, rqvae). */
export type ResidualVqOptions = Omit<RqvaeConfig, 'sinkhorn' | 'sinkhornEpsilon' | 'sinkhornIters' | 'seed'> & { readonly seed: number };

/** One quantizer level's output inside the forward pass. */
export interface LevelOutput {
  /** [n, D]: forward value = the chosen codeword. */
  readonly chosen: tf.Tensor2D;
  /** [n, N] */
  readonly probs: tf.Tensor2D;
  /** int32 [n] */
  readonly codes: tf.Tensor1D;
}

const ASSIGN_CHUNK = 2048;

/** Hidden widths: the configured ones, or halving from the input dim while ≥ 2·D. */
export function encoderWidths(inputDim: number, codeDim: number, configured: readonly number[]): number[] {
  if (configured.length > 0) return [...configured];
  const out: number[] = [];
  for (let w = Math.floor(inputDim / 2); w >= 2 * codeDim; w = Math.floor(w / 2)) out.push(w);
  return out;
}

/**
 * MLP encoder → M residual quantizers → MLP decoder, trained with AdamW on reconstruction +
 * codebook/commitment losses; k-means codebook initialisation; dead-code restart; deterministic argmin
 * assignment. Subclasses define how a level picks its codeword (`quantize`) and how the decoder input
 * carries gradients back (`decoderInput`).
 */
export abstract class ResidualVqIndexer extends BaseIndexer {
  readonly trainable = true;
  protected encoder: Mlp | undefined;
  protected decoder: Mlp | undefined;
  protected books: tf.Variable[] = [];
  protected inputDim: number | undefined;
  private initialized = false;
  private optimizer: AdamW | undefined;
  private readonly fitRng: Rng;
  private steps = 0;
  private restart: DeadCodeRestart | undefined;

  constructor(protected readonly opts: ResidualVqOptions) {
    super(opts);
    this.fitRng = new Rng(opts.seed).fork(`${opts.kind}/fit`);
  }

  protected abstract quantize(r: tf.Tensor2D, level: number, training: boolean, rng: Rng): LevelOutput;
  protected abstract decoderInput(z: tf.Tensor2D, q: tf.Tensor2D): tf.Tensor2D;
  /** Extra variables by logical name (e.g. κ heads), created in `buildExtra`. */
  protected abstract extraVariables(): Record<string, tf.Variable>;
  protected abstract buildExtra(rng: Rng): void;
  /** Post-processing of argmin codes (e.g. Sinkhorn re-assignment); `lastInputs` = last level's inputs [n, D]. */
  protected afterAssign(codes: Int32Array, _lastInputs: tf.Tensor2D): Int32Array {
    return codes;
  }

  /** Creates the variables for `inputDim` on first use (same seed → same initial weights). */
  protected build(inputDim: number): void {
    if (this.inputDim !== undefined) {
      if (inputDim !== this.inputDim) throw new RecError('E_SHAPE', `${this.name}: input has ${inputDim} columns but the indexer was built for ${this.inputDim}`);
      return;
    }
    const rng = new Rng(this.seed).fork(`${this.kind}/init`);
    const hidden = encoderWidths(inputDim, this.codeDim, this.opts.encoderWidths);
    this.encoder = new Mlp([inputDim, ...hidden, this.codeDim], `${this.name}/${this.kind}/encoder`, rng);
    this.decoder = new Mlp([this.codeDim, ...[...hidden].reverse(), inputDim], `${this.name}/${this.kind}/decoder`, rng);
    for (let m = 0; m < this.levels; m++) {
      const seed = rng.tfSeed();
      this.books.push(namedVariable(tf.tidy(() => tf.mul(tf.randomNormal([this.codebookSize, this.codeDim], 0, 1, 'float32', seed), 0.1)), `${this.name}/${this.kind}/codebook${m}`));
    }
    this.buildExtra(rng);
    this.inputDim = inputDim;
  }

  private named(): Record<string, tf.Variable> {
    if (!this.encoder || !this.decoder) return {};
    const out: Record<string, tf.Variable> = { ...this.encoder.named('encoder'), ...this.decoder.named('decoder'), ...this.extraVariables() };
    this.books.forEach((b, m) => (out[`codebook${m}`] = b));
    return out;
  }

  codebooks(): readonly tf.Variable[] {
    return this.books;
  }

  variables(): readonly tf.Variable[] {
    return Object.values(this.named());
  }

  losses(x: tf.Tensor2D, options: IndexerLossOptions): IndexerLosses {
    this.build(x.shape[1]);
    const rng = new Rng(options.seed ?? 0).fork(`${this.kind}/losses`);
    const beta = this.opts.commitmentWeight;
    return tf.tidy(() => {
      const z = this.encoder!.apply(x);
      let r: tf.Tensor2D = z;
      const inputs: tf.Tensor2D[] = [];
      const chosen: tf.Tensor2D[] = [];
      const probs: tf.Tensor2D[] = [];
      const codes: tf.Tensor1D[] = [];
      const commits: tf.Scalar[] = [];
      for (let m = 0; m < this.levels; m++) {
        inputs.push(r);
        const out = this.quantize(r, m, options.training, rng);
        chosen.push(out.chosen);
        probs.push(out.probs);
        codes.push(out.codes);
        commits.push(tf.add(tf.mean(tf.square(tf.sub(stopGradient(r), out.chosen))), tf.mul(beta, tf.mean(tf.square(tf.sub(r, stopGradient(out.chosen)))))));
        r = tf.sub(r, out.chosen);
      }
      const q = tf.addN(chosen) as tf.Tensor2D;
      const recon = tf.mean(tf.square(tf.sub(this.decoder!.apply(this.decoderInput(z, q)), x))) as tf.Scalar;
      const commit = tf.addN(commits) as tf.Scalar;
      return { total: tf.add(recon, commit) as tf.Scalar, recon, commit, probs, chosen, inputs, codes: tf.stack(codes, 1) as tf.Tensor2D };
    });
  }

  async assign(x: tf.Tensor2D): Promise<Int32Array> {
    this.build(x.shape[1]);
    const n = x.shape[0];
    const codes = new Int32Array(n * this.levels);
    const lastParts: tf.Tensor2D[] = [];
    for (let start = 0; start < n; start += ASSIGN_CHUNK) {
      const size = Math.min(ASSIGN_CHUNK, n - start);
      const [c, last] = tf.tidy(() => {
        let r = this.encoder!.apply(tf.slice(x, [start, 0], [size, -1]));
        const ks: tf.Tensor1D[] = [];
        let lastInput = r;
        for (let m = 0; m < this.levels; m++) {
          lastInput = r;
          const k = tf.argMin(squaredDistances(r, this.books[m] as tf.Tensor2D), 1) as tf.Tensor1D;
          ks.push(k);
          r = tf.sub(r, tf.gather(this.books[m], k));
        }
        return [tf.stack(ks, 1), lastInput] as [tf.Tensor, tf.Tensor2D];
      });
      codes.set(await c.data(), start * this.levels);
      c.dispose();
      lastParts.push(last);
    }
    const lastInputs = tf.concat(lastParts, 0);
    tf.dispose(lastParts);
    try {
      this.current = this.afterAssign(codes, lastInputs);
    } finally {
      lastInputs.dispose();
    }
    return this.current;
  }

  /** k-means on the residuals of a seeded sample of `x` (`initSamples` rows), level by level. */
  private initCodebooks(x: tf.Tensor2D): void {
    const rng = this.fitRng.fork('kmeans');
    const n = x.shape[0];
    const take = rng.permutation(n).slice(0, Math.min(n, Math.max(this.opts.initSamples, this.codebookSize)));
    let r = tf.tidy(() => this.encoder!.apply(tf.gather(x, take)));
    for (let m = 0; m < this.levels; m++) {
      const c = kmeans(r, this.codebookSize, this.opts.kmeansIters, rng);
      this.books[m].assign(c);
      const next = tf.tidy(() => tf.sub(r, tf.gather(c, tf.argMin(squaredDistances(r, c), 1)))) as tf.Tensor2D;
      tf.dispose([r, c]);
      r = next;
    }
    r.dispose();
  }

  /**
   * Trains on `x` with the shared `runTrainingLoop` (no validation: every epoch runs and the last weights stay):
   * per epoch a permutation of the rows from the fit rng, per step a sampling seed, the AdamW update (only when
   * every gradient is finite) and the dead-code restart. A non-finite loss, term or gradient is E_NUMERIC naming
   * the step; an abort between steps is E_ABORTED.
   */
  async fit(x: tf.Tensor2D, options: IndexerFitOptions = {}): Promise<IndexerFitReport> {
    this.build(x.shape[1]);
    if (this.opts.kmeansInit && !this.initialized) this.initCodebooks(x);
    this.initialized = true;
    const optimizer = (this.optimizer ??= new AdamW({ learningRate: this.opts.learningRate, weightDecay: this.opts.weightDecay }));
    const restart = (this.restart ??= new DeadCodeRestart(this.levels, this.codebookSize, this.opts.restartAfter));
    const trainable = this.variables().filter((v) => v.trainable);
    const n = x.shape[0];
    const epochs = options.epochs ?? this.opts.epochs;
    const restarts = new Map<number, number>();
    let perm: { epoch: number; order: Int32Array } | undefined;
    // one bar over the epochs (the loop's per-epoch bars would print a line per epoch off a terminal)
    const bar = options.events?.progress(`indexer/${this.name}/${this.kind}`, `${this.name} ${this.kind} indexer`, epochs, 'epoch');
    const loop = await runTrainingLoop({
      name: `${this.name}/${this.kind}`,
      epochs,
      stepsPerEpoch: Math.ceil(n / this.opts.batchSize),
      patience: Number.POSITIVE_INFINITY,
      events: options.events ?? new EventBus(),
      quiet: true,
      ...(options.signal ? { signal: options.signal } : {}),
      onEpoch: async (h) => bar?.tick(1, { loss: Number(h.at(-1)!.loss.toFixed(4)), recon: Number((h.at(-1)!.terms?.recon ?? 0).toFixed(4)) }),
      step: async (epoch, s) => {
        if (perm?.epoch !== epoch) perm = { epoch, order: this.fitRng.permutation(n) };
        const ids = perm.order.slice(s * this.opts.batchSize, Math.min(n, (s + 1) * this.opts.batchSize));
        const xb = tf.gather(x, ids) as tf.Tensor2D;
        let kept: { recon: tf.Scalar; commit: tf.Scalar; codes: tf.Tensor2D; inputs: readonly tf.Tensor2D[] } | undefined;
        const seed = this.fitRng.nextUint32();
        const { value, grads } = optimizer.computeGradients(() => {
          const out = this.losses(xb, { training: true, seed });
          kept = { recon: tf.keep(out.recon), commit: tf.keep(out.commit), codes: tf.keep(out.codes), inputs: out.inputs.map((t) => tf.keep(t)) };
          return out.total;
        }, trainable);
        const k = kept!;
        try {
          const r = await applyFiniteGradients(optimizer, value, grads);
          if (r.nonFiniteGradient !== undefined) return { loss: r.loss, nonFiniteGradient: r.nonFiniteGradient };
          this.steps++;
          const recon = (await k.recon.data())[0];
          const commit = (await k.commit.data())[0];
          restarts.set(epoch, (restarts.get(epoch) ?? 0) + restart.update(this.steps, (await k.codes.data()) as Int32Array, k.inputs, this.books, this.fitRng));
          return { loss: r.loss, terms: { recon, commit } };
        } finally {
          tf.dispose([value, xb, k.recon, k.commit, k.codes, ...k.inputs]);
        }
      },
    });
    bar?.done();
    const history: IndexerEpoch[] = loop.progress.history.map((h) => ({ epoch: h.epoch, loss: h.loss, recon: h.terms?.recon ?? 0, commit: h.terms?.commit ?? 0, restarts: restarts.get(h.epoch) ?? 0 }));
    for (const e of history) options.events?.metric(`indexer/${this.kind}/loss`, e.loss, e.epoch, 'train');
    await this.assign(x);
    return { epochs, steps: this.steps, seconds: loop.seconds, history };
  }

  async save(dir: string): Promise<void> {
    const meta: JsonValue = { indexer: this.name, kind: this.kind, inputDim: this.inputDim ?? null, initialized: this.initialized, codes: this.current ? Array.from(this.current) : null };
    await saveCheckpoint(dir, { tensors: this.named(), meta });
  }

  async load(dir: string): Promise<void> {
    const ckpt = await loadCheckpoint(dir);
    try {
      const meta = ckpt.meta as { indexer?: string; inputDim?: number | null; initialized?: boolean; codes?: number[] | null } | undefined;
      if (meta?.indexer !== this.name) throw new RecError('E_CHECKPOINT', `${dir} holds a ${String(meta?.indexer)} indexer, not ${this.name}`);
      if (typeof meta.inputDim === 'number') this.build(meta.inputDim);
      for (const [name, v] of Object.entries(this.named())) {
        const t = ckpt.tensors[name];
        if (!t || !tf.util.arraysEqual(t.shape, v.shape)) {
          throw new RecError('E_CHECKPOINT', `${dir}: tensor "${name}" is missing or has another shape`, { hint: 'Load into an indexer built with the same configuration.' });
        }
        v.assign(t);
      }
      this.initialized = meta.initialized === true;
      this.current = meta.codes ? Int32Array.from(meta.codes) : undefined;
    } finally {
      tf.dispose(Object.values(ckpt.tensors));
    }
  }

  dispose(): void {
    tf.dispose([...this.variables()]);
    this.encoder = undefined;
    this.decoder = undefined;
    this.books = [];
    this.inputDim = undefined;
    this.optimizer?.dispose();
    this.optimizer = undefined;
  }
}
