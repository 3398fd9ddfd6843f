import * as tf from '@tensorflow/tfjs-core';
import {
  RecError,
  loadCheckpoint,
  saveCheckpoint,
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
import { softmaxCrossEntropyRows } from '@ed2/core';
import type { Tokenizer } from '../tokenizer/tokenizer';
import { batchedConstrainedBeamSearch } from '../generation/batched-beam-search';
import { matMulExplicit } from './explicit-matmul';
import type { LlamaModel } from './llama-model';
import { registerIndexTokens } from '../tokenizer/register-index-tokens';
import { checkTokenIds } from '../check-token-ids';

export interface LlamaBackboneOptions {
  /** Texts per encoder batch. */
  readonly encodeBatch?: number;
  /** Longest text (tokens) the encoder reads. */
  readonly encodeMaxLen?: number;
  /** Prompts per constrained-search batch. */
  readonly searchBatch?: number;
}

/** A right-padded batch: input ids, and where each (sample, position of prompt ++ response) landed. */
interface Packed {
  readonly ids: number[][];
  readonly width: number;
  readonly lengths: number[];
}

/**
 * The LLaMA decoder behind the `Backbone` contract: its tokenizer, the index tokens appended after the base
 * vocabulary (ids checked against the `IndexVocabulary`), the response-only loss and mean-pooled
 * representations inside the caller's tape with index rows and straight-through mixes, a cached batched text
 * encoder and the batched constrained beam search.
 */
export class LlamaBackbone implements Backbone {
  readonly name = 'llama';
  private version = 0;
  private readonly cache = new Map<string, Float32Array>();
  private cacheVersion = 0;
  private vocab: IndexVocabulary | undefined;
  /** Texts run through the model by `encode` (cache misses). */
  encoded = 0;

  constructor(
    readonly model: LlamaModel,
    readonly tokenizer: Tokenizer,
    private readonly options: LlamaBackboneOptions = {},
  ) {
    if (tokenizer.vocabSize > model.config.vocabSize) {
      throw new RecError('E_CONFIG', `the tokenizer has ${tokenizer.vocabSize} tokens but the LLaMA model's vocabulary has ${model.config.vocabSize}`, {
        hint: 'Use the tokenizer the weights were trained with (or, for a random model, leave vocabSize to the tokenizer).',
      });
    }
  }

  get dim(): number {
    return this.model.config.dim;
  }

  get baseVocabSize(): number {
    return this.model.config.vocabSize;
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

  get indexVocabulary(): IndexVocabulary | undefined {
    return this.vocab;
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

  private checkIds(seqs: readonly (readonly number[])[], rows: tf.Tensor2D | undefined): void {
    checkTokenIds(seqs, this.baseVocabSize, rows, this.model.totalVocab - this.baseVocabSize);
  }

  /** Right-pads sequences (pad id 0: padding sits after the real tokens, which the causal mask hides). */
  private pack(seqs: readonly (readonly number[])[]): Packed {
    const width = Math.max(1, ...seqs.map((s) => s.length));
    return { ids: seqs.map((s) => [...s, ...new Array<number>(width - s.length).fill(0)]), width, lengths: seqs.map((s) => s.length) };
  }

  /** The model's mix input from a RowMix whose positions index `(sample, pos)` (positions ≥ width dropped). */
  private dense(mix: RowMix | undefined, rows: number, width: number, shift: (sample: number, pos: number) => number): { place: tf.Tensor2D; delta: tf.Tensor2D } | undefined {
    if (!mix || mix.positions.length === 0) return undefined;
    const sel = new Float32Array(rows * width * mix.positions.length);
    const P = mix.positions.length;
    mix.positions.forEach(({ sample, pos }, k) => {
      const at = shift(sample, pos);
      if (at >= 0 && at < width) sel[(sample * width + at) * P + k] = 1;
    });
    return { place: tf.tensor2d(sel, [rows * width, P]), delta: mix.delta };
  }

  pooled(sequences: readonly (readonly number[])[], options: BackboneForwardOptions = {}): tf.Tensor2D {
    this.checkIds(sequences, options.rows);
    const p = this.pack(sequences);
    return tf.tidy(() => {
      const inputMix = this.dense(options.mix, sequences.length, p.width, (_s, pos) => pos);
      const h = this.model.hidden(tf.tensor2d(p.ids, undefined, 'int32'), { training: options.training ?? false, ...(options.rows ? { rows: options.rows } : {}), ...(inputMix ? { inputMix } : {}) });
      const m = tf.tensor2d(p.lengths.map((n) => Array.from({ length: p.width }, (_, j) => (j < n ? 1 : 0))));
      return tf.div(tf.sum(tf.mul(h, tf.expandDims(m, 2)), 1), tf.sum(m, 1, true)) as tf.Tensor2D;
    });
  }

  responseNllSum(batch: readonly LmSample[], options: BackboneForwardOptions = {}): { sum: tf.Scalar; tokens: number } {
    const seqs = batch.map((s) => [...s.prompt, ...s.response]);
    this.checkIds(seqs, options.rows);
    const inputs = seqs.map((s) => s.slice(0, -1));
    const p = this.pack(inputs);
    const picks: number[] = [];
    const labels: number[] = [];
    batch.forEach((s, i) => {
      const from = Math.max(1, s.prompt.length);
      for (let j = from; j < seqs[i].length; j++) {
        picks.push(i * p.width + j - 1);
        labels.push(seqs[i][j]);
      }
    });
    const tokens = picks.length;
    const sum = tf.tidy(() => {
      if (tokens === 0) return tf.scalar(0);
      const inputMix = this.dense(options.mix, batch.length, p.width, (_s, pos) => pos);
      const h = this.model.hidden(tf.tensor2d(p.ids, undefined, 'int32'), { training: options.training ?? false, ...(options.rows ? { rows: options.rows } : {}), ...(inputMix ? { inputMix } : {}) });
      const flat = tf.reshape(h, [batch.length * p.width, this.dim]) as tf.Tensor2D;
      const sel = tf.cast(tf.oneHot(tf.tensor1d(picks, 'int32'), batch.length * p.width), 'float32') as tf.Tensor2D; // int32 one-hot cast (wasm's float oneHot is wrong)
      const picked = matMulExplicit(sel, flat) as tf.Tensor2D;
      return tf.sum(softmaxCrossEntropyRows(this.model.head(picked, options.rows), Int32Array.from(labels))) as tf.Scalar;
    });
    return { sum, tokens };
  }

  lossAndRowGrads(batch: readonly LmSample[], rows: tf.Tensor2D): { loss: number; tokens: number; dRows: tf.Tensor2D } {
    let tokens = 0;
    const f = (r: tf.Tensor): tf.Scalar => {
      const out = this.responseNllSum(batch, { rows: r as tf.Tensor2D, training: true });
      tokens = out.tokens;
      return tf.div(out.sum, Math.max(1, out.tokens)) as tf.Scalar;
    };
    const { value, grad } = tf.valueAndGrad(f)(rows);
    const loss = value.dataSync()[0];
    value.dispose();
    return { loss, tokens, dRows: grad as tf.Tensor2D };
  }

  async encode(texts: readonly string[], options: EncodeOptions = {}): Promise<tf.Tensor2D> {
    if (this.cacheVersion !== this.version) {
      this.cache.clear();
      this.cacheVersion = this.version;
    }
    const d = this.dim;
    const bs = this.options.encodeBatch ?? 32;
    const maxLen = Math.min(this.options.encodeMaxLen ?? 128, this.model.config.maxSeqLen);
    const uncached = [...new Set(texts.filter((t) => !this.cache.has(t)))];
    const toks = new Map(uncached.map((t) => [t, [this.tokenizer.bosId, ...this.tokenizer.encode(t)].slice(0, maxLen)]));
    uncached.sort((a, b) => toks.get(a)!.length - toks.get(b)!.length); // batches of similar length pad little
    for (let i = 0; i < uncached.length; i += bs) {
      await yieldToEventLoop();
      if (options.signal?.aborted) throw new RecError('E_ABORTED', 'encoding texts was aborted', { cause: options.signal.reason });
      const batch = uncached.slice(i, i + bs);
      const pooled = this.pooled(batch.map((t) => toks.get(t)!), options.rows ? { rows: options.rows } : {});
      const data = (await pooled.data()) as Float32Array;
      pooled.dispose();
      batch.forEach((t, j) => this.cache.set(t, data.slice(j * d, (j + 1) * d)));
      this.encoded += batch.length;
    }
    const out = new Float32Array(texts.length * d);
    texts.forEach((t, i) => out.set(this.cache.get(t)!, i * d));
    return tf.tensor2d(out, [texts.length, d]);
  }

  async constrainedSearch(prompts: readonly (readonly number[])[], trie: PrefixTrie, o: ConstrainedSearchOptions): Promise<BeamHit[][]> {
    this.checkIds(prompts, o.rows);
    const bs = o.batchSize ?? this.options.searchBatch ?? 32;
    const out: BeamHit[][] = [];
    const bar = o.events?.progress('generate/constrained-search', 'constrained beam search', prompts.length, 'prompts');
    for (let i = 0; i < prompts.length; i += bs) {
      const part = await batchedConstrainedBeamSearch(this.model, prompts.slice(i, i + bs), trie, { beams: o.beams, topK: o.topK, ...(o.rows ? { rows: o.rows } : {}), ...(o.signal ? { signal: o.signal } : {}) });
      out.push(...part);
      bar?.tick(part.length);
    }
    bar?.done();
    return out;
  }

  trainableVariables(): Readonly<Record<string, tf.Variable>> {
    return this.model.namedTrainableVariables();
  }

  markUpdated(): void {
    this.version++;
  }

  async saveAdapters(dir: string): Promise<void> {
    await saveCheckpoint(dir, { tensors: this.trainableVariables(), meta: { kind: 'llama-backbone', full: this.model.fullyTrainable } });
  }

  async loadAdapters(dir: string): Promise<void> {
    const ck = await loadCheckpoint(dir);
    try {
      const vars = this.trainableVariables();
      for (const [name, v] of Object.entries(vars)) {
        const t = ck.tensors[name];
        if (!t || !tf.util.arraysEqual(t.shape, v.shape)) throw new RecError('E_CHECKPOINT', `${dir}: backbone tensor "${name}" is missing or has another shape`, { hint: 'Load into a backbone made with the same configuration (preset, LoRA, finetune mode).' });
        v.assign(t);
      }
      this.markUpdated();
    } finally {
      tf.dispose(Object.values(ck.tensors));
    }
  }

  parameterCount(): { total: number; trainable: number } {
    return this.model.parameterCount();
  }

  dispose(): void {
    this.model.dispose();
    this.cache.clear();
  }
}
