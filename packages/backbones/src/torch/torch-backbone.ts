import * as tf from '@tensorflow/tfjs-core';
import {
  RecError,
  trieBeamSearch,
  yieldToEventLoop,
  type Backbone,
  type BackboneForwardOptions,
  type BeamHit,
  type ConstrainedSearchOptions,
  type EncodeOptions,
  type IndexVocabulary,
  type LmSample,
  type PrefixTrie,
  type RowMix,
} from '@ed2/core';
import type { Tokenizer } from '../tokenizer/tokenizer';
import { uniqueVarName } from '../lora/lora-linear';
import { f32ToWire, wireToF32, type WireTensor } from './torch-worker-client';
import type { TorchEngine } from './torch-worker-pool';
import { TorchBeamDecoder } from './torch-beam-decoder';
import { registerIndexTokens } from '../tokenizer/register-index-tokens';
import { checkTokenIds } from '../check-token-ids';

/** What the worker's `init` describes. */
export interface TorchModelInfo {
  readonly dim: number;
  readonly vocabSize: number;
  readonly maxSeqLen: number;
  readonly total: number;
  readonly trainable: readonly { readonly name: string; readonly shape: readonly number[] }[];
  readonly values: readonly WireTensor[];
}

export interface TorchBackboneOptions {
  readonly encodeBatch?: number;
  readonly encodeMaxLen?: number;
  readonly searchBatch?: number;
  /** Called once by `dispose` after the worker exited (temporary files). */
  readonly onDispose?: () => void;
}

const wire = (t: tf.Tensor): WireTensor => f32ToWire(t.dataSync() as Float32Array, t.shape);

/** True inside `tf.grad`/`variableGrads` (then the worker keeps the graph for the backward call). */
function recordingGradients(): boolean {
  const state = (tf.engine() as unknown as { state: { gradientDepth: number } }).state;
  return state.gradientDepth > 0;
}

/**
 * The `Backbone` contract over a PyTorch + PEFT worker (python/ed2_torch_worker). Tokenizer, index vocabulary and
 * beam bookkeeping stay here; the model runs in the worker. The whole contract is kept, tape included:
 * `responseNllSum` / `pooled` are `tf.customGrad` ops whose forward asks the worker for the value (it keeps the
 * graph) and whose backward asks it for the gradients with respect to the index rows, the straight-through mix
 * and the trainable weights. Those weights are mirrored here as tf.Variables (`trainableVariables`), so the
 * caller's one AdamW step, clip norm, checkpoint and resume cover them; `markUpdated` sends them back.
 * `lossAndRowGrads` is the narrow form: one forward + backward, the rows' gradient returned.
 */
export class TorchBackbone implements Backbone {
  readonly name = 'torch';
  private version = 0;
  private readonly cache = new Map<string, Float32Array>();
  private cacheVersion = 0;
  private vocab: IndexVocabulary | undefined;
  private readonly mirrors: Record<string, tf.Variable> = {};
  private readonly order: tf.Variable[] = [];
  private disposed = false;

  constructor(
    readonly engine: TorchEngine,
    readonly tokenizer: Tokenizer,
    readonly info: TorchModelInfo,
    private readonly options: TorchBackboneOptions = {},
  ) {
    if (tokenizer.vocabSize > info.vocabSize) {
      throw new RecError('E_CONFIG', `the tokenizer has ${tokenizer.vocabSize} tokens but the torch model's vocabulary has ${info.vocabSize}`, { hint: 'Use the tokenizer the weights were trained with.' });
    }
    info.trainable.forEach((p, i) => {
      const v = tf.variable(tf.tensor(wireToF32(info.values[i]), [...p.shape]), true, uniqueVarName(`torch/${p.name}`));
      this.mirrors[`torch/${p.name}`] = v;
      this.order.push(v);
    });
  }

  get dim(): number {
    return this.info.dim;
  }

  get baseVocabSize(): number {
    return this.info.vocabSize;
  }

  get bosId(): number {
    return this.tokenizer.bosId;
  }

  get eosId(): number {
    return this.tokenizer.eosId;
  }

  get weightsVersion(): number {
    return this.version;
  }

  tokenize(text: string): number[] {
    return this.tokenizer.encode(text);
  }

  decode(ids: readonly number[]): string {
    return this.tokenizer.decode(ids);
  }

  setIndexVocabulary(vocab: IndexVocabulary): void {
    registerIndexTokens(this.tokenizer, vocab, this.baseVocabSize);
    this.vocab = vocab;
  }

  get indexVocabulary(): IndexVocabulary | undefined {
    return this.vocab;
  }

  private checkIds(seqs: readonly (readonly number[])[], rows: tf.Tensor2D | undefined): void {
    checkTokenIds(seqs, this.baseVocabSize, rows, 0);
  }

  /**
   * A worker forward as a differentiable op: inputs [rows?, delta?, ...weights]; `call(grad)` returns the value and
   * the kept graph's handle; the backward sends dy and maps the worker's gradients back onto the inputs.
   */
  private workerOp(rows: tf.Tensor2D | undefined, mix: RowMix | undefined, call: (grad: boolean, args: Record<string, unknown>) => { value: tf.Tensor; handle: string | null }): tf.Tensor {
    const inputs: tf.Tensor[] = [...(rows ? [rows] : []), ...(mix && rows ? [mix.delta] : []), ...this.order];
    const f = tf.customGrad((...args: unknown[]) => {
      const grad = recordingGradients();
      const a: Record<string, unknown> = {};
      if (rows) a.rows = wire(rows);
      if (mix && rows) {
        a.delta = wire(mix.delta);
        a.positions = mix.positions.map((p) => [p.sample, p.pos]);
      }
      const { value, handle } = call(grad, a);
      void args;
      return {
        value,
        gradFunc: (dy: tf.Tensor) => {
          if (handle === null) throw new RecError('E_INTERNAL', 'torch backbone: a gradient was requested for a forward pass run without one');
          const g = this.engine.call<{ grads: WireTensor[] }>('backward', { handle, dy: wire(dy) });
          return g.grads.map((w, i) => tf.tensor(wireToF32(w), inputs[i].shape));
        },
      };
    });
    return f(...inputs);
  }

  responseNllSum(batch: readonly LmSample[], options: BackboneForwardOptions = {}): { sum: tf.Scalar; tokens: number } {
    const seqs = batch.map((s) => [...s.prompt, ...s.response]);
    this.checkIds(seqs, options.rows);
    let tokens = 0;
    batch.forEach((s, i) => (tokens += Math.max(0, seqs[i].length - Math.max(1, s.prompt.length))));
    const sum = this.workerOp(options.rows, options.mix, (grad, a) => {
      const r = this.engine.call<{ sum: number; tokens: number; handle: string | null }>('nll', { ...a, seqs, promptLens: batch.map((s) => s.prompt.length), training: options.training ?? false, grad });
      return { value: tf.scalar(r.sum), handle: r.handle };
    }) as tf.Scalar;
    return { sum, tokens };
  }

  pooled(sequences: readonly (readonly number[])[], options: BackboneForwardOptions = {}): tf.Tensor2D {
    this.checkIds(sequences, options.rows);
    return this.workerOp(options.rows, options.mix, (grad, a) => {
      const r = this.engine.call<{ pooled: WireTensor; handle: string | null }>('pooled', { ...a, seqs: sequences, training: options.training ?? false, grad });
      return { value: tf.tensor2d(wireToF32(r.pooled), [sequences.length, this.dim]), handle: r.handle };
    }) as tf.Tensor2D;
  }

  lossAndRowGrads(batch: readonly LmSample[], rows: tf.Tensor2D): { loss: number; tokens: number; dRows: tf.Tensor2D } {
    const seqs = batch.map((s) => [...s.prompt, ...s.response]);
    this.checkIds(seqs, rows);
    const r = this.engine.call<{ sum: number; tokens: number; handle: string }>('nll', { seqs, promptLens: batch.map((s) => s.prompt.length), rows: wire(rows), training: true, grad: true });
    const n = Math.max(1, r.tokens);
    const g = this.engine.call<{ grads: WireTensor[] }>('backward', { handle: r.handle, dy: f32ToWire(Float32Array.of(1 / n), []) });
    return { loss: r.sum / n, tokens: r.tokens, dRows: tf.tensor2d(wireToF32(g.grads[0]), rows.shape) };
  }

  /** Logits [batch, seq, base + index vocab] of right-padded sequences (parity checks against other engines). */
  logits(sequences: readonly (readonly number[])[], rows?: tf.Tensor2D): tf.Tensor3D {
    this.checkIds(sequences, rows);
    const r = this.engine.call<{ logits: WireTensor }>('logits', { seqs: sequences, ...(rows ? { rows: wire(rows) } : {}) });
    return tf.tensor3d(wireToF32(r.logits), r.logits.shape as [number, number, number]);
  }

  async encode(texts: readonly string[], options: EncodeOptions = {}): Promise<tf.Tensor2D> {
    if (this.cacheVersion !== this.version) {
      this.cache.clear();
      this.cacheVersion = this.version;
    }
    const d = this.dim;
    const bs = this.options.encodeBatch ?? 32;
    const maxLen = Math.min(this.options.encodeMaxLen ?? 128, this.info.maxSeqLen);
    const uncached = [...new Set(texts.filter((t) => !this.cache.has(t)))];
    const toks = new Map(uncached.map((t) => [t, [this.tokenizer.bosId, ...this.tokenizer.encode(t)].slice(0, maxLen)]));
    uncached.sort((a, b) => toks.get(a)!.length - toks.get(b)!.length);
    for (let i = 0; i < uncached.length; i += bs) {
      await yieldToEventLoop();
      if (options.signal?.aborted) throw new RecError('E_ABORTED', 'encoding texts was aborted', { cause: options.signal.reason });
      const batch = uncached.slice(i, i + bs);
      const r = await this.engine.callAsync<{ pooled: WireTensor }>('pooled', { seqs: batch.map((t) => toks.get(t)!), ...(options.rows ? { rows: wire(options.rows) } : {}), training: false, grad: false });
      const data = wireToF32(r.pooled);
      batch.forEach((t, j) => this.cache.set(t, data.slice(j * d, (j + 1) * d)));
    }
    const out = new Float32Array(texts.length * d);
    texts.forEach((t, i) => out.set(this.cache.get(t)!, i * d));
    return tf.tensor2d(out, [texts.length, d]);
  }

  async constrainedSearch(prompts: readonly (readonly number[])[], trie: PrefixTrie, o: ConstrainedSearchOptions): Promise<BeamHit[][]> {
    this.checkIds(prompts, o.rows);
    if (!o.rows) throw new RecError('E_CONFIG', 'torch backbone: constrained search needs the index rows (options.rows)', { hint: 'Pass rows: the index-token rows of the IndexVocabulary.' });
    const bs = o.batchSize ?? this.options.searchBatch ?? 16;
    const rows = wire(o.rows);
    const out: BeamHit[][] = [];
    const bar = o.events?.progress('generate/constrained-search', 'constrained beam search', prompts.length, 'prompts');
    for (let i = 0; i < prompts.length; i += bs) {
      const decoder = new TorchBeamDecoder(this.engine, this.baseVocabSize, o.rows.shape[0], rows, this.info.maxSeqLen);
      const part = await trieBeamSearch(decoder, prompts.slice(i, i + bs), trie, { beams: o.beams, topK: o.topK, ...(o.signal ? { signal: o.signal } : {}) });
      out.push(...part);
      bar?.tick(part.length);
    }
    bar?.done();
    return out;
  }

  trainableVariables(): Readonly<Record<string, tf.Variable>> {
    return this.mirrors;
  }

  /** Sends the mirrored weights (after an optimizer step, a restore or a load) to the worker. */
  markUpdated(): void {
    this.version++;
    if (this.order.length) this.engine.call('set_params', { values: this.order.map((v) => wire(v)) });
  }

  /** PEFT's format (adapter_config.json + adapter_model.safetensors; full fine-tuning: a transformers model folder). */
  async saveAdapters(dir: string): Promise<void> {
    this.engine.call('set_params', { values: this.order.map((v) => wire(v)) });
    await this.engine.callAsync('save_adapters', { dir });
  }

  async loadAdapters(dir: string): Promise<void> {
    const r = await this.engine.callAsync<{ values: WireTensor[] }>('load_adapters', { dir });
    tf.tidy(() => this.order.forEach((v, i) => v.assign(tf.tensor(wireToF32(r.values[i]), v.shape))));
    this.version++;
  }

  parameterCount(): { total: number; trainable: number } {
    return { total: this.info.total, trainable: this.order.reduce((s, v) => s + v.size, 0) };
  }

  /** The worker's process id (tests: orphan and crash checks). */
  get pid(): number | undefined {
    return this.engine.client.pid;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.engine.release();
    tf.dispose(this.order);
    this.cache.clear();
    this.options.onDispose?.();
  }
}
