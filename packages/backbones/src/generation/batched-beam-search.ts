import type * as tf from '@tensorflow/tfjs-core';
import { trieBeamSearch, type BeamHit, type PrefixTrie } from '@ed2/core';
import type { LlamaModel } from '../llama/llama-model';
import { LlamaBeamDecoder } from './llama-beam-decoder';

export interface BatchedBeamOptions {
  readonly beams: number;
  readonly topK: number;
  /** Index-token rows [nNew, dim] (else the model's provider / free rows). */
  readonly rows?: tf.Tensor2D;
  /** Left-padding id (any id: padded positions are masked out). */
  readonly padId?: number;
  readonly signal?: AbortSignal;
  readonly onStep?: (depth: number) => void;
}

/**
 * Trie-constrained beam search of the LLaMA decoder over many prompts at once: `trieBeamSearch` (scores: the
 * sum of log-probabilities normalised over the whole vocabulary, see there) over a `LlamaBeamDecoder` (one
 * forward per step for every live beam of every prompt, prompt cache shared by a prompt's beams).
 */
export function batchedConstrainedBeamSearch(model: LlamaModel, prompts: readonly (readonly number[])[], trie: PrefixTrie, o: BatchedBeamOptions): Promise<BeamHit[][]> {
  const decoder = new LlamaBeamDecoder(model, { ...(o.rows ? { rows: o.rows } : {}), ...(o.padId !== undefined ? { padId: o.padId } : {}) });
  return trieBeamSearch(decoder, prompts, trie, { beams: o.beams, topK: o.topK, ...(o.signal ? { signal: o.signal } : {}), ...(o.onStep ? { onStep: o.onStep } : {}) });
}
