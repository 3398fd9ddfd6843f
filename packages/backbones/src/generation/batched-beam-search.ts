import * as tf from '@tensorflow/tfjs-core';
import { RecError, yieldToEventLoop, type BeamHit, type PrefixTrie } from '@ed2/core';
import { LlamaModel } from '../llama/llama-model';

export interface BatchedBeamOptions {
  readonly beams: number;
  readonly topK: number;
  /** Index-token rows [nNew, dim] (else the model's provider / free rows). */
  readonly rows?: tf.Tensor2D;
  /** Left-padding id (any id: padded positions are masked out). */
  readonly padId?: number;
  readonly signal?: AbortSignal;
}

interface Beam {
  tokens: number[];
  score: number;
  node: PrefixTrie;
  /** Row of this beam in the KV cache. */
  row: number;
}

/**
 * Trie-constrained beam search over many prompts at once (one forward per step for every live beam of every
 * prompt). Prompts are left-padded to a common length with an attention mask: RoPE makes attention depend on
 * relative positions only, so a prompt shifted right by its padding gives the same scores as on its own. The KV
 * cache holds one row per live beam and is re-gathered by beam parent each step; the head runs on the last
 * position only, and only the index-token columns of the log-probabilities come back to the host.
 *
 * Scores: the sum over the generated tokens of log p(token), each p normalised over the model's WHOLE
 * vocabulary (the model's own sequence likelihood, as Hugging Face `generate` with `prefix_allowed_tokens_fn`
 * scores beams), not renormalised over the trie's allowed children. Beams that reach a complete trie node are
 * finished (and keep extending where the node has children, for indices of mixed length); a live beam whose
 * score is already below the k-th finished one is dropped (log-probabilities only decrease). Returns, per
 * prompt, the top-k distinct complete sequences with the entity id stored at their trie leaf, best first.
 */
export async function batchedConstrainedBeamSearch(model: LlamaModel, prompts: readonly (readonly number[])[], trie: PrefixTrie, o: BatchedBeamOptions): Promise<BeamHit[][]> {
  if (!Number.isInteger(o.beams) || o.beams < 1) throw new RecError('E_CONFIG', `beam search: beams must be a positive integer, got ${o.beams}`);
  const topK = Math.min(o.topK, o.beams);
  const B = prompts.length;
  if (B === 0) return [];
  if (prompts.some((p) => p.length === 0)) throw new RecError('E_CONFIG', 'beam search: every prompt needs at least one token', { hint: 'Prepend BOS.' });
  const V = model.config.vocabSize;
  const nNew = model.totalVocabWith(o.rows) - V;
  if (nNew <= 0) throw new RecError('E_CONFIG', 'beam search: the model has no index tokens to decode', { hint: 'Register the index vocabulary first.' });
  const T = Math.max(...prompts.map((p) => p.length));
  if (T + 32 > model.config.maxSeqLen) throw new RecError('E_CONFIG', `beam search: a prompt of ${T} tokens leaves no room within maxSeqLen ${model.config.maxSeqLen}`, { hint: 'Shorten the history (maxHistory) or use a model with a longer context.' });
  const pad = o.padId ?? 0;
  const ids = prompts.map((p) => [...new Array<number>(T - p.length).fill(pad), ...p]);
  let maskRows = prompts.map((p) => Array.from({ length: T }, (_, j) => (j >= T - p.length ? 1 : 0)));
  const cache = model.newCache();
  const finished: BeamHit[][] = prompts.map(() => []);
  let live: Beam[][] = prompts.map((_, i) => [{ tokens: [], score: 0, node: trie, row: i }]);
  const step = (input: number[][], mask: number[][]): Float32Array => {
    const t = tf.tidy(() => {
      const h = model.hidden(tf.tensor2d(input, undefined, 'int32'), { cache, attentionMask: tf.tensor2d(mask), ...(o.rows ? { rows: o.rows } : {}) });
      const [b, s, d] = h.shape;
      const last = tf.reshape(tf.slice(h, [0, s - 1, 0], [b, 1, d]), [b, d]) as tf.Tensor2D;
      const logp = tf.logSoftmax(model.head(last, o.rows));
      return tf.slice(logp, [0, V], [b, nNew]);
    });
    const data = t.dataSync() as Float32Array;
    t.dispose();
    return data;
  };
  try {
    let logp = step(ids, maskRows);
    for (let depth = 0; live.some((l) => l.length > 0); depth++) {
      await yieldToEventLoop();
      if (o.signal?.aborted) throw new RecError('E_ABORTED', 'beam search aborted', { cause: o.signal.reason });
      const next: Beam[][] = [];
      const parents: number[] = [];
      live.forEach((beams, p) => {
        const cands: { beam: Beam; token: number; score: number }[] = [];
        for (const bm of beams) {
          const off = bm.row * nNew;
          for (const tok of bm.node.allowed()) {
            const col = tok - V;
            if (col < 0 || col >= nNew) throw new RecError('E_CONFIG', `beam search: trie token ${tok} is not an index token (${V}..${V + nNew - 1})`);
            cands.push({ beam: bm, token: tok, score: bm.score + logp[off + col] });
          }
        }
        cands.sort((a, b) => b.score - a.score);
        const keep: Beam[] = [];
        const done = finished[p];
        for (const c of cands) {
          if (keep.length >= o.beams) break;
          const node = c.beam.node.child(c.token)!;
          const tokens = [...c.beam.tokens, c.token];
          if (node.complete) done.push({ tokens, score: c.score, value: node.value ?? -1 });
          if (node.size > 0) keep.push({ tokens, score: c.score, node, row: c.beam.row });
        }
        done.sort((a, b) => b.score - a.score);
        if (done.length > topK) done.length = topK;
        if (done.length >= topK) {
          const kth = done[topK - 1].score;
          while (keep.length && keep[keep.length - 1].score <= kth) keep.pop();
        }
        next.push(keep);
      });
      live = next;
      const rows: Beam[] = live.flat();
      if (rows.length === 0) break;
      rows.forEach((bm, r) => {
        parents.push(bm.row);
        bm.row = r;
      });
      LlamaModel.reorderCache(cache, parents);
      maskRows = parents.map((r) => [...maskRows[r], 1]);
      if (cache.length + 1 > model.config.maxSeqLen) throw new RecError('E_CONFIG', `beam search: indices longer than the model's context (${model.config.maxSeqLen})`);
      logp = step(rows.map((b) => [b.tokens[b.tokens.length - 1]]), maskRows);
    }
  } finally {
    cache.layers.forEach((l) => { l.k.dispose(); l.v.dispose(); });
  }
  return finished.map((f) => f.slice(0, topK));
}
