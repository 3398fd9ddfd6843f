import * as tf from '@tensorflow/tfjs-core';
import { RecError, type BeamDecoder } from '@ed2/core';
import type { LlamaModel, SharedPrefixState } from '../llama/llama-model';

export interface LlamaBeamDecoderOptions {
  /** Index-token rows [nNew, dim] (else the model's provider / free rows). */
  readonly rows?: tf.Tensor2D;
  /** Left-padding id (any base id: padded positions are masked out). */
  readonly padId?: number;
}

/**
 * `BeamDecoder` for the LLaMA decoder with a shared-prefix KV cache. Prompts are left-padded to a common length
 * with an attention mask (RoPE makes attention depend on relative positions only, so a prompt shifted right by
 * its padding scores as on its own) and run once; their keys are stored transposed per prompt, and every beam of
 * a prompt attends to that one copy (`LlamaModel.stepShared`). Only the generated tokens' keys/values (a few
 * per beam) are gathered by beam parent each step. Beams sit in a [prompt, W] grid with W = the most live beams
 * of any prompt this step; empty slots are filled with a copy of a live beam of the same prompt and ignored.
 * The head runs on the last position only; only the index-token columns come back to the host.
 */
export class LlamaBeamDecoder implements BeamDecoder {
  readonly firstId: number;
  readonly count: number;
  private state: SharedPrefixState | undefined;
  /** Per caller row: its prompt and its slot in the current grid. */
  private promptOf: number[] = [];
  private slotOf: number[] = [];

  constructor(private readonly model: LlamaModel, private readonly o: LlamaBeamDecoderOptions = {}) {
    this.firstId = model.config.vocabSize;
    this.count = model.totalVocabWith(o.rows) - this.firstId;
    if (this.count <= 0) throw new RecError('E_CONFIG', 'beam search: the model has no index tokens to decode', { hint: 'Register the index vocabulary first.' });
  }

  start(prompts: readonly (readonly number[])[]): Float32Array {
    if (this.state) throw new RecError('E_INTERNAL', 'LlamaBeamDecoder.start called twice');
    const m = this.model;
    const P = prompts.length;
    const T = Math.max(...prompts.map((p) => p.length));
    if (T + 8 > m.config.maxSeqLen) throw new RecError('E_CONFIG', `beam search: a prompt of ${T} tokens leaves no room within maxSeqLen ${m.config.maxSeqLen}`, { hint: 'Shorten the history (maxHistory) or use a model with a longer context.' });
    const pad = this.o.padId ?? 0;
    const ids = prompts.map((p) => [...new Array<number>(T - p.length).fill(pad), ...p]);
    const mask = prompts.map((p) => Array.from({ length: T }, (_, j) => (j >= T - p.length ? 1 : 0)));
    const cache = m.newCache();
    try {
      const logp = tf.tidy(() => {
        const h = m.hidden(tf.tensor2d(ids, [P, T], 'int32'), { cache, attentionMask: tf.tensor2d(mask, [P, T]), ...(this.o.rows ? { rows: this.o.rows } : {}) });
        const last = tf.reshape(tf.slice(h, [0, T - 1, 0], [P, 1, m.config.dim]), [P, m.config.dim]) as tf.Tensor2D;
        return this.indexLogp(last);
      });
      this.state = {
        P,
        W: 1,
        T,
        promptKT: cache.layers.map((l) => tf.transpose(l.k, [0, 1, 3, 2])),
        promptV: cache.layers.map((l) => l.v), // now owned by the state
        padAdd: tf.tidy(() => tf.reshape(tf.mul(tf.sub(1, tf.tensor2d(mask, [P, T])), -1e9), [P, 1, 1, T]) as tf.Tensor4D),
        genKT: [],
        genV: [],
        genLength: 0,
      };
      cache.layers.forEach((l) => l.k.dispose());
      cache.layers = [];
      this.promptOf = prompts.map((_, i) => i);
      this.slotOf = prompts.map((_, i) => i);
      return this.read(logp);
    } catch (e) {
      cache.layers.forEach((l) => { l.k.dispose(); l.v.dispose(); });
      throw e;
    }
  }

  advance(parents: readonly number[], tokens: readonly number[]): Float32Array {
    const s = this.state;
    if (!s) throw new RecError('E_INTERNAL', 'LlamaBeamDecoder.advance before start');
    const promptOf = parents.map((r) => this.promptOf[r]);
    const perPrompt: number[][] = Array.from({ length: s.P }, () => []);
    promptOf.forEach((p, r) => perPrompt[p].push(r));
    const W = Math.max(...perPrompt.map((rs) => rs.length));
    // grid slot p·W + j ← caller row perPrompt[p][j]; an empty slot copies the prompt's first live row (or any).
    const slotOf = new Array<number>(parents.length);
    const gridTokens = new Array<number>(s.P * W);
    const source = new Array<number>(s.P * W); // slot in the previous grid each new slot continues
    const oldSlotOfPrompt = new Array<number>(s.P).fill(-1);
    this.promptOf.forEach((p, r) => { if (oldSlotOfPrompt[p] < 0) oldSlotOfPrompt[p] = this.slotOf[r]; });
    for (let p = 0; p < s.P; p++) {
      for (let j = 0; j < W; j++) {
        const slot = p * W + j;
        const r = perPrompt[p][j] ?? perPrompt[p][0];
        if (r === undefined) {
          gridTokens[slot] = this.o.padId ?? 0;
          source[slot] = Math.max(0, oldSlotOfPrompt[p]);
        } else {
          gridTokens[slot] = tokens[r];
          source[slot] = this.slotOf[parents[r]];
          if (perPrompt[p][j] !== undefined) slotOf[r] = slot;
        }
      }
    }
    if (s.genLength > 0) {
      const idx = tf.tensor1d(source, 'int32');
      s.genKT = s.genKT.map((t) => { const n = tf.gather(t, idx) as tf.Tensor4D; t.dispose(); return n; });
      s.genV = s.genV.map((t) => { const n = tf.gather(t, idx) as tf.Tensor4D; t.dispose(); return n; });
      idx.dispose();
    } // else: the first generated token; nothing to gather (the prompt cache is shared by every slot)
    s.W = W;
    this.promptOf = promptOf;
    this.slotOf = slotOf;
    const h = this.model.stepShared(gridTokens, s, this.o.rows);
    const logp = tf.tidy(() => tf.gather(this.indexLogp(h), tf.tensor1d(slotOf, 'int32')) as tf.Tensor2D);
    h.dispose();
    return this.read(logp);
  }

  dispose(): void {
    const s = this.state;
    if (!s) return;
    [...s.promptKT, ...s.promptV, ...s.genKT, ...s.genV, s.padAdd].forEach((t) => t.dispose());
    this.state = undefined;
  }

  /** log-softmax over the whole vocabulary, index-token columns only: [n, count]. */
  private indexLogp(last: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.slice(tf.logSoftmax(this.model.head(last, this.o.rows)), [0, this.firstId], [last.shape[0], this.count]) as tf.Tensor2D);
  }

  private read(t: tf.Tensor2D): Float32Array {
    const data = t.dataSync() as Float32Array;
    t.dispose();
    return data;
  }
}
