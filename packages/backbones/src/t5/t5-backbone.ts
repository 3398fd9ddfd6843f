import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import {
  RecError,
  Rng,
  trieBeamSearch,
  type Backbone,
  type BackboneForwardOptions,
  type BeamHit,
  type ConstrainedSearchOptions,
  type IndexVocabulary,
  type LmSample,
  type PrefixTrie,
} from '@ed2/core';
import { t5Config } from './t5-config';
import { T5Model } from './t5-model';
import { T5BeamDecoder, padRight } from './t5-beam-decoder';

export const t5BackboneConfig = t5Config
  .omit({ vocabSize: true, decoderStartId: true })
  .extend({ userTokens: z.number().int().min(1).default(2000).describe('User-token buckets (TIGER hashes user ids into 2,000).') })
  .strict()
  .describe("TIGER's T5-style encoder–decoder over user and index tokens (no word vocabulary).");
export type T5BackboneOptions = z.output<typeof t5BackboneConfig>;

const PAD = 0;
const EOS = 1;
const UNK = 2;
const SPECIALS = ['<pad>', '</s>', '<unk>'];

/**
 * The generation side of the backbone contract for TIGER's encoder–decoder. Vocabulary: `<pad>` (0, also the
 * decoder-start token, reported as `bosId`), `</s>` (1), `<unk>` (2), `<user_0>`..`<user_{B−1}>`, then the index
 * tokens registered by `setIndexVocabulary` (ids `baseVocabSize + row`). The prompt of a sample is the encoder
 * input and its response the decoder target (teacher forcing). The model owns every weight, index-token rows
 * included, and is built when the index vocabulary is registered.
 *
 * Not supported (E_CONFIG): `encode` (no text: item features come from another backbone or a file), caller
 * rows and straight-through mixes (`rows` / `mix`), `lossAndRowGrads`, `saveAdapters` / `loadAdapters` (no
 * adapters: the recommender checkpoints the whole model).
 */
export class T5Backbone implements Backbone {
  readonly name = 't5';
  readonly dim: number;
  readonly baseVocabSize: number;
  readonly bosId = PAD;
  readonly eosId = EOS;
  private version = 0;
  private model: T5Model | undefined;
  private vocab: IndexVocabulary | undefined;
  private readonly dropoutRng: Rng;

  constructor(
    readonly options: T5BackboneOptions,
    private readonly seed: number,
  ) {
    this.dim = options.dModel;
    this.baseVocabSize = SPECIALS.length + options.userTokens;
    this.dropoutRng = new Rng(`${seed}/t5/dropout`);
  }

  get weightsVersion(): number {
    return this.version;
  }

  /** Id of user bucket `b` (0 ≤ b < userTokens). */
  userTokenId(bucket: number): number {
    if (!Number.isInteger(bucket) || bucket < 0 || bucket >= this.options.userTokens) throw new RecError('E_CONFIG', `t5: user bucket ${bucket} is outside 0..${this.options.userTokens - 1}`);
    return SPECIALS.length + bucket;
  }

  /** The encoder–decoder (after `setIndexVocabulary`). */
  get t5(): T5Model {
    if (!this.model) throw new RecError('E_CONFIG', 't5: no index vocabulary registered yet', { hint: 'Call setIndexVocabulary first: the output layer covers the index tokens.' });
    return this.model;
  }

  tokenize(text: string): number[] {
    const ids: number[] = [];
    const rest = text.replace(/<[^<>\s]+>/g, (tok) => {
      const special = SPECIALS.indexOf(tok);
      const user = /^<user_(\d+)>$/.exec(tok);
      const id = special >= 0 ? special : user ? this.userTokenId(Number(user[1])) : this.vocab?.id(tok);
      if (id === undefined) throw new RecError('E_CONFIG', `t5: unknown token ${tok}`, { hint: 'TIGER speaks only <user_k> and index tokens; register the index vocabulary first.' });
      ids.push(id);
      return ' ';
    });
    if (rest.trim()) throw new RecError('E_CONFIG', `t5: text "${rest.trim().slice(0, 40)}" is not made of tokens`, { hint: 'The TIGER backbone has no word vocabulary: prompts are <user_k> and index tokens only.' });
    return ids;
  }

  decode(ids: readonly number[]): string {
    return ids
      .map((id) => {
        if (id < SPECIALS.length) return SPECIALS[id];
        if (id < this.baseVocabSize) return `<user_${id - SPECIALS.length}>`;
        return this.vocab?.info(id)?.token ?? SPECIALS[UNK];
      })
      .join('');
  }

  setIndexVocabulary(vocab: IndexVocabulary): void {
    if (vocab.firstId !== this.baseVocabSize) throw new RecError('E_CONFIG', `t5: the index vocabulary starts at id ${vocab.firstId}, expected ${this.baseVocabSize}`, { hint: 'Build it with firstId = backbone.baseVocabSize.' });
    if (this.model) {
      if (this.vocab && this.vocab.size !== vocab.size) throw new RecError('E_CONFIG', `t5: the index vocabulary changed size (${this.vocab.size} → ${vocab.size}); the model's output layer is fixed`, { hint: 'Keep the index layout fixed for the whole run.' });
    } else {
      const { userTokens: _u, ...rest } = this.options;
      this.model = new T5Model({ ...rest, vocabSize: this.baseVocabSize + vocab.size, decoderStartId: PAD }, new Rng(`${this.seed}/t5/init`));
    }
    this.vocab = vocab;
  }

  private unsupported(what: string, hint: string): never {
    throw new RecError('E_CONFIG', `t5 (TIGER) does not support ${what}`, { hint });
  }

  private checkOptions(o: BackboneForwardOptions | undefined): void {
    if (o?.rows || o?.mix) this.unsupported('caller-computed index rows or straight-through mixes', 'The T5 backbone owns its index-token embeddings; use a LLaMA backbone for jointly trained index rows.');
  }

  async encode(): Promise<tf.Tensor2D> {
    return this.unsupported('encode(texts): it has no word vocabulary', 'Encode item text with a text backbone (e.g. llama), or pass item features from a file.');
  }

  /** Mean of the encoder's last hidden state over each sequence's tokens, [n, dim], inside the caller's tape. */
  pooled(sequences: readonly (readonly number[])[], options?: BackboneForwardOptions): tf.Tensor2D {
    this.checkOptions(options);
    const { ids, mask } = padRight(sequences, PAD);
    return tf.tidy(() => {
      const m = tf.tensor2d(mask);
      const h = this.t5.encode(tf.tensor2d(ids, undefined, 'int32'), m, this.pass(options?.training));
      return tf.div(tf.sum(tf.mul(h, tf.expandDims(m, 2)), 1), tf.expandDims(tf.sum(m, 1), 1)) as tf.Tensor2D;
    });
  }

  private pass(training: boolean | undefined, seed?: number): { training: boolean; seed?: number } {
    return training ? { training: true, seed: seed ?? this.dropoutRng.tfSeed() } : { training: false };
  }

  /**
   * Σ NLL of the response tokens given the prompt (encoder input), teacher-forced: decoder input
   * `[start, r_0..r_{n−2}]`, targets `r`. `seed` fixes the dropout masks of a training pass (else the
   * backbone's own seeded stream).
   */
  responseNllSum(batch: readonly LmSample[], options?: BackboneForwardOptions, seed?: number): { readonly sum: tf.Scalar; readonly tokens: number } {
    this.checkOptions(options);
    if (batch.some((s) => s.prompt.length === 0 || s.response.length === 0)) throw new RecError('E_CONFIG', 't5: every sample needs a prompt and a response token', { hint: 'TIGER prompts start with the user token.' });
    const model = this.t5;
    const V = model.config.vocabSize;
    const bad = batch.flatMap((s) => [...s.prompt, ...s.response]).find((id) => !Number.isInteger(id) || id < 0 || id >= V);
    if (bad !== undefined) throw new RecError('E_CONFIG', `t5: token id ${bad} is outside the vocabulary (0..${V - 1})`);
    const enc = padRight(batch.map((s) => s.prompt), PAD);
    const dec = padRight(batch.map((s) => [PAD, ...s.response.slice(0, -1)]), PAD);
    const tgt = padRight(batch.map((s) => s.response), PAD);
    const tokens = batch.reduce((n, s) => n + s.response.length, 0);
    const pass = this.pass(options?.training, seed);
    const sum = tf.tidy(() => {
      const m = tf.tensor2d(enc.mask);
      const e = model.encode(tf.tensor2d(enc.ids, undefined, 'int32'), m, pass);
      const h = model.decode(tf.tensor2d(dec.ids, undefined, 'int32'), e, m, pass);
      const [b, t, d] = h.shape;
      const logp = tf.logSoftmax(model.logits(tf.reshape(h, [b * t, d])));
      const picked = tf.sum(tf.mul(logp, tf.oneHot(tf.tensor1d(tgt.ids.flat(), 'int32'), V)), 1);
      return tf.neg(tf.sum(tf.mul(picked, tf.tensor1d(tgt.mask.flat())))) as tf.Scalar;
    });
    return { sum, tokens };
  }

  lossAndRowGrads(): { readonly loss: number; readonly tokens: number; readonly dRows: tf.Tensor2D } {
    return this.unsupported('lossAndRowGrads (an out-of-process engine form with caller rows)', 'Train it in process with responseNllSum; its index rows are its own weights.');
  }

  /** Batched trie-constrained beam search through the shared `trieBeamSearch` over a `T5BeamDecoder`. */
  async constrainedSearch(prompts: readonly (readonly number[])[], trie: PrefixTrie, options: ConstrainedSearchOptions): Promise<BeamHit[][]> {
    if (options.rows) this.unsupported('caller-computed index rows in search', 'Omit rows: the T5 backbone owns its index-token embeddings.');
    const model = this.t5;
    const size = options.batchSize ?? 256;
    const out: BeamHit[][] = [];
    for (let i = 0; i < prompts.length; i += size) {
      const part = prompts.slice(i, i + size);
      const decoder = new T5BeamDecoder(model, this.baseVocabSize, this.vocab!.size, PAD);
      out.push(...(await trieBeamSearch(decoder, part, trie, { beams: options.beams, topK: options.topK, ...(options.signal ? { signal: options.signal } : {}) })));
    }
    return out;
  }

  /** Every weight of the model, by stable logical name (`t5/<HF name>`). */
  trainableVariables(): Readonly<Record<string, tf.Variable>> {
    return Object.fromEntries(Object.entries(this.t5.variables).map(([k, v]) => [`t5/${k}`, v]));
  }

  markUpdated(): void {
    this.version++;
  }

  async saveAdapters(): Promise<void> {
    return this.unsupported('adapters', 'The whole T5 model trains; the recommender checkpoint holds its weights (trainableVariables).');
  }

  async loadAdapters(): Promise<void> {
    return this.unsupported('adapters', 'The whole T5 model trains; the recommender checkpoint holds its weights (trainableVariables).');
  }

  parameterCount(): { readonly total: number; readonly trainable: number } {
    const n = this.model?.parameterCount() ?? 0;
    return { total: n, trainable: n };
  }

  dispose(): void {
    this.model?.dispose();
    this.model = undefined;
  }
}
