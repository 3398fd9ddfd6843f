import type { BeamDecoder } from '../domain/beam-decoder';
import type { BeamHit } from '../domain/backbone';
import { RecError } from '../errors/rec-error';
import type { PrefixTrie } from '../index-vocab/prefix-trie';
import { yieldToEventLoop } from '../run/yield-to-event-loop';

export interface TrieBeamSearchOptions {
  readonly beams: number;
  /** Distinct complete sequences to return per prompt (≤ beams). */
  readonly topK: number;
  readonly signal?: AbortSignal;
  /** Called after each decoding step with the depth reached (for progress reporting). */
  readonly onStep?: (depth: number) => void;
}

interface Beam {
  tokens: number[];
  score: number;
  node: PrefixTrie;
  /** This beam's row in the decoder's current state. */
  row: number;
}

/**
 * Trie-constrained beam search over many prompts at once, model-agnostic: the decoder runs one step for every
 * live beam of every prompt; this loop keeps, per prompt, the `beams` best extensions allowed by the trie.
 *
 * Scores: the sum over the generated tokens of log p(token), each p normalised over the decoder's WHOLE output
 * vocabulary (the model's own sequence likelihood, as Hugging Face `generate` with `prefix_allowed_tokens_fn`
 * scores beams), not renormalised over the trie's allowed children, and without a final end-of-sequence factor.
 * A beam that reaches a complete trie node is finished (and keeps extending where the node has children, for
 * indices of mixed length); a live beam whose score is already at or below the k-th finished one is dropped
 * (log-probabilities only decrease). Returns, per prompt, the top-k distinct complete sequences with the entity
 * id stored at their trie leaf, best first. The decoder is disposed before returning.
 */
export async function trieBeamSearch(decoder: BeamDecoder, prompts: readonly (readonly number[])[], trie: PrefixTrie, o: TrieBeamSearchOptions): Promise<BeamHit[][]> {
  try {
    if (!Number.isInteger(o.beams) || o.beams < 1) throw new RecError('E_CONFIG', `beam search: beams must be a positive integer, got ${o.beams}`);
    if (!Number.isInteger(o.topK) || o.topK < 1) throw new RecError('E_CONFIG', `beam search: topK must be a positive integer, got ${o.topK}`);
    const topK = Math.min(o.topK, o.beams);
    if (prompts.length === 0) return [];
    if (prompts.some((p) => p.length === 0)) throw new RecError('E_CONFIG', 'beam search: every prompt needs at least one token', { hint: 'Prepend BOS.' });
    const first = decoder.firstId;
    const n = decoder.count;
    const finished: BeamHit[][] = prompts.map(() => []);
    let live: Beam[][] = prompts.map((_, i) => [{ tokens: [], score: 0, node: trie, row: i }]);
    let logp = decoder.start(prompts);
    for (let depth = 0; ; depth++) {
      await yieldToEventLoop();
      if (o.signal?.aborted) throw new RecError('E_ABORTED', 'beam search aborted', { cause: o.signal.reason });
      live = live.map((beams, p) => {
        const cands: { beam: Beam; token: number; score: number }[] = [];
        for (const bm of beams) {
          const off = bm.row * n;
          for (const tok of bm.node.allowed()) {
            const col = tok - first;
            if (col < 0 || col >= n) throw new RecError('E_CONFIG', `beam search: trie token ${tok} is not an index token (${first}..${first + n - 1})`);
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
        return keep;
      });
      o.onStep?.(depth + 1);
      const rows = live.flat();
      if (rows.length === 0) break;
      const parents = rows.map((bm, r) => {
        const parent = bm.row;
        bm.row = r;
        return parent;
      });
      logp = decoder.advance(parents, rows.map((b) => b.tokens[b.tokens.length - 1]));
    }
    return finished.map((f) => f.slice(0, topK));
  } finally {
    decoder.dispose();
  }
}
