import { LlamaModel } from '../llama/llama-model';
import { stepLogProbs } from './generate';
import { PrefixTrie } from './prefix-trie';

export interface BeamResult {
  tokens: number[];
  /** Sum of token log-probs. */
  score: number;
}

export interface BeamOptions {
  beams: number;
  /** Number of distinct sequences to return (≤ beams). */
  topK?: number;
  /** Unconstrained search: stop length and end token. */
  maxNewTokens?: number;
  eosId?: number;
  /** Constrained search: only sequences in this trie are produced. */
  trie?: PrefixTrie;
}

interface Beam {
  tokens: number[];
  score: number;
  node: PrefixTrie | undefined;
}

/**
 * Beam search with a shared KV cache (rows reordered by beam parent each step). With a `trie`, every step
 * masks all tokens except the children of the beam's trie node; beams reaching a complete node are moved to
 * the finished set. Returns the top-k finished sequences (distinct by construction), best first.
 */
export function beamSearch(model: LlamaModel, prompt: number[], o: BeamOptions): BeamResult[] {
  const topK = o.topK ?? o.beams;
  const maxLen = o.maxNewTokens ?? 64;
  const cache = model.newCache();
  const finished: BeamResult[] = [];
  let beams: Beam[] = [{ tokens: [], score: 0, node: o.trie }];
  let inputs: number[][] = [prompt];
  try {
    for (let step = 0; step < maxLen && beams.length > 0; step++) {
      const logps = stepLogProbs(model, inputs, cache);
      const cands: { parent: number; token: number; score: number }[] = [];
      beams.forEach((bm, i) => {
        const lp = logps[i];
        const allowed = bm.node ? bm.node.allowed() : Array.from(lp.keys());
        for (const tok of allowed) cands.push({ parent: i, token: tok, score: bm.score + lp[tok] });
      });
      cands.sort((a, b) => b.score - a.score);
      const next: Beam[] = [];
      const parents: number[] = [];
      for (const c of cands) {
        if (next.length >= o.beams) break;
        const bm = beams[c.parent];
        const node = bm.node?.child(c.token);
        const tokens = [...bm.tokens, c.token];
        const done = o.trie ? node!.complete : c.token === o.eosId;
        if (done) finished.push({ tokens, score: c.score });
        // keep extending when the trie node has children (a complete sequence may prefix a longer one)
        const extendable = o.trie ? node!.allowed().length > 0 : !done;
        if (extendable) {
          next.push({ tokens, score: c.score, node });
          parents.push(c.parent);
        }
      }
      // prune: a live beam cannot beat the k-th finished score (log-probs only decrease)
      finished.sort((a, b) => b.score - a.score);
      if (finished.length >= topK) {
        const kth = finished[topK - 1].score;
        while (next.length && next[next.length - 1].score <= kth) { next.pop(); parents.pop(); }
      }
      beams = next;
      if (!beams.length) break;
      LlamaModel.reorderCache(cache, parents);
      inputs = beams.map((b) => [b.tokens[b.tokens.length - 1]]);
    }
    if (!o.trie) for (const b of beams) finished.push({ tokens: b.tokens, score: b.score });
  } finally {
    cache.layers.forEach((l) => { l.k.dispose(); l.v.dispose(); });
  }
  return finished.sort((a, b) => b.score - a.score).slice(0, topK);
}
