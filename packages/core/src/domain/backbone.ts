import type * as tf from '@tensorflow/tfjs-core';
import type { IndexVocabulary } from '../index-vocab/index-vocabulary';
import type { PrefixTrie } from '../index-vocab/prefix-trie';
import type { EventBus } from '../events/event-bus';

/** One (prompt, response) instruction as token ids; the loss is taken over the response tokens only. */
export interface LmSample {
  readonly prompt: readonly number[];
  readonly response: readonly number[];
}

/**
 * Straight-through soft choice of index tokens at given positions (DESIGN §1.6b): at position `pos` of sample
 * `sample` (counted in prompt ++ response) the input embedding becomes Σ_j w_j·row_j with
 * w = onehot(assigned) + p − stopgrad(p). `delta[i]` is row i's `p − stopgrad(p)` spread over the index rows
 * ([P, vocab.size], forward value 0), so the forward pass is unchanged and the gradient reaches p.
 */
export interface RowMix {
  readonly positions: readonly { readonly sample: number; readonly pos: number }[];
  readonly delta: tf.Tensor2D;
}

export interface BackboneForwardOptions {
  /** Index-token rows `[vocab.size, dim]` computed inside the caller's tape (input embedding and LM head). */
  readonly rows?: tf.Tensor2D;
  readonly mix?: RowMix;
  /** Dropout and other training-only behaviour. */
  readonly training?: boolean;
}

/** One finished sequence of a constrained search: its tokens, the entity at its trie leaf and its score. */
export interface BeamHit {
  readonly tokens: readonly number[];
  readonly value: number;
  /** Sum of the tokens' log-probabilities, each normalised over the backbone's whole vocabulary. */
  readonly score: number;
}

export interface ConstrainedSearchOptions {
  readonly beams: number;
  /** Distinct complete sequences to return per prompt (≤ beams). */
  readonly topK: number;
  readonly rows?: tf.Tensor2D;
  /** Prompts per forward batch. */
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  readonly events?: EventBus;
}

export interface EncodeOptions {
  readonly signal?: AbortSignal;
  readonly rows?: tf.Tensor2D;
}

/**
 * What every generative model's language model provides (DESIGN §2): a tokenizer and a model behind one narrow
 * interface, so the LLaMA decoder, TIGER's encoder–decoder and an out-of-process engine stand behind the same
 * calls. Index tokens are appended after the base vocabulary by `setIndexVocabulary`; their rows come from the
 * caller (`rows`, computed in the caller's gradient tape), never from a variable the backbone owns.
 */
export interface Backbone {
  readonly name: string;
  /** Width d of the rows the provider must return. */
  readonly dim: number;
  /** Base vocabulary size = id of the first index token. */
  readonly baseVocabSize: number;
  readonly bosId: number;
  readonly eosId: number;
  /** Bumped whenever the backbone's weights change (encoder caches key on it). */
  readonly weightsVersion: number;

  /** Text (which may contain index tokens) → ids, no BOS/EOS. */
  tokenize(text: string): number[];
  decode(ids: readonly number[]): string;
  /** Registers the index tokens (ids must be `baseVocabSize + row`). */
  setIndexVocabulary(vocab: IndexVocabulary): void;

  /** Mean-pooled last hidden state of each text, `[n, dim]`, batched, no gradient; cached by text and weights version. */
  encode(texts: readonly string[], options?: EncodeOptions): Promise<tf.Tensor2D>;
  /** Mean-pooled last hidden state of token sequences inside the caller's tape, `[n, dim]`. */
  pooled(sequences: readonly (readonly number[])[], options?: BackboneForwardOptions): tf.Tensor2D;
  /** Σ NLL of the response tokens (inside the caller's tape) and how many there were. */
  responseNllSum(batch: readonly LmSample[], options?: BackboneForwardOptions): { readonly sum: tf.Scalar; readonly tokens: number };
  /**
   * The narrow form an out-of-process engine implements: mean response NLL of `batch` given the index rows, and
   * its gradient with respect to the rows (the backbone's own trainable weights get their gradient applied by the
   * engine). Here: the loss value and `dRows` `[vocab.size, dim]`; the caller owns `dRows`.
   */
  lossAndRowGrads(batch: readonly LmSample[], rows: tf.Tensor2D): { readonly loss: number; readonly tokens: number; readonly dRows: tf.Tensor2D };
  /** Batched trie-constrained beam search: per prompt, the top-k distinct complete sequences, best first. */
  constrainedSearch(prompts: readonly (readonly number[])[], trie: PrefixTrie, options: ConstrainedSearchOptions): Promise<BeamHit[][]>;

  /** Variables the joint optimizer updates, by stable logical name. */
  trainableVariables(): Readonly<Record<string, tf.Variable>>;
  /** Call after an optimizer step changed the backbone's variables. */
  markUpdated(): void;
  saveAdapters(dir: string): Promise<void>;
  loadAdapters(dir: string): Promise<void>;
  parameterCount(): { readonly total: number; readonly trainable: number };
  dispose(): void;
}
