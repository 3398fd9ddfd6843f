import * as tf from '@tensorflow/tfjs-core';
import { RecError, type BeamDecoder } from '@ed2/core';
import { T5Model, type T5Cache } from './t5-model';

/** Pads prompts on the right with `pad` into ids and a 1/0 mask (T5's bias is relative: padding shifts nothing). */
export function padRight(prompts: readonly (readonly number[])[], pad: number): { ids: number[][]; mask: number[][] } {
  const T = Math.max(1, ...prompts.map((p) => p.length));
  return {
    ids: prompts.map((p) => [...p, ...new Array<number>(T - p.length).fill(pad)]),
    mask: prompts.map((p) => Array.from({ length: T }, (_, j) => (j < p.length ? 1 : 0))),
  };
}

/**
 * TIGER's side of the shared trie-constrained beam search: `start` encodes every prompt once and runs the first
 * decoder step from the decoder-start token; `advance` re-gathers the decoder's self-attention cache, the
 * cross-attention keys/values and the encoder mask by beam parent and runs one cached step. Only the index
 * tokens' columns of the log-softmax over the whole vocabulary come back to the host.
 */
export class T5BeamDecoder implements BeamDecoder {
  private cache: T5Cache | undefined;

  constructor(
    private readonly model: T5Model,
    readonly firstId: number,
    readonly count: number,
    private readonly padId = 0,
  ) {
    if (firstId < 0 || count < 1 || firstId + count > model.config.vocabSize) throw new RecError('E_CONFIG', `T5 beam decoder: columns [${firstId}, ${firstId + count}) are outside the vocabulary of ${model.config.vocabSize}`, { hint: 'Register the index vocabulary before searching.' });
  }

  start(prompts: readonly (readonly number[])[]): Float32Array {
    if (prompts.some((p) => p.length === 0)) throw new RecError('E_CONFIG', 'T5 beam decoder: every prompt needs at least one token', { hint: 'TIGER prompts start with the user token.' });
    this.dispose();
    const { ids, mask } = padRight(prompts, this.padId);
    const [enc, m] = tf.tidy(() => {
      const mt = tf.tensor2d(mask);
      return [this.model.encode(tf.tensor2d(ids, undefined, 'int32'), mt), tf.keep(mt)] as const;
    });
    this.cache = this.model.startCache(enc, m);
    tf.dispose([enc, m]);
    return this.next(prompts.map(() => this.model.config.decoderStartId));
  }

  advance(parents: readonly number[], tokens: readonly number[]): Float32Array {
    if (!this.cache) throw new RecError('E_INTERNAL', 'T5 beam decoder: advance() before start()');
    T5Model.reorderCache(this.cache, parents);
    return this.next(tokens);
  }

  private next(tokens: readonly number[]): Float32Array {
    const h = this.model.step(tokens, this.cache!);
    const t = tf.tidy(() => tf.slice(tf.logSoftmax(this.model.logits(h)), [0, this.firstId], [tokens.length, this.count]));
    h.dispose();
    const out = t.dataSync() as Float32Array;
    t.dispose();
    return out;
  }

  dispose(): void {
    if (this.cache) T5Model.disposeCache(this.cache);
    this.cache = undefined;
  }
}
