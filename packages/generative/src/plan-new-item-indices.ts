import { RecError } from '@ed2/core';
import { levelToken, parseLevelToken, suffixToken } from '@ed2/indexers';

export interface NewItemIndex {
  /** Index tokens of the new item (level tokens, plus a suffix where it joins a collision set). */
  readonly tokens: readonly string[];
  /** The code tuple the indexer assigned (before any re-routing). */
  readonly assigned: readonly number[];
  /** How the index was made unique: as assigned, next suffix of an existing collision set, or re-routed last level. */
  readonly resolution: 'unique' | 'suffix' | 'rerouted';
}

export interface PlanNewItemIndicesOptions {
  readonly prefix: string;
  readonly levels: number;
  readonly codebookSize: number;
  /** Preallocated collision-suffix slots of the item branch. */
  readonly suffixSlots: number;
  /**
   * Last-level codeword table [codebookSize, D] row-major (to re-route to the nearest free last-level code), or
   * undefined to re-route to the free code with the smallest |code − assigned|.
   */
  readonly lastLevelCodebook?: { readonly data: Float32Array; readonly dim: number };
}

/**
 * Indices for items added after training, leaving every existing index unchanged and the set prefix-free (the
 * trie and every learned association stay valid). Per new item, with its assigned code tuple:
 * - a tuple no item uses → the tuple as is;
 * - a tuple an existing collision set uses (its members carry `<p_k>` suffixes) → the set's next free suffix;
 * - a tuple one existing item uses without a suffix → giving either a suffix would change an existing index or
 *   break prefix-freeness, so the last level is re-routed to the nearest free code (by codeword distance, as
 *   LC-Rec's last-level re-assignment does), keeping the first M−1 levels the indexer chose.
 * New items are placed in order, so later ones also avoid earlier ones. An item that fits nowhere (every suffix
 * slot and every last-level code of its prefix taken) is an error naming it.
 */
export function planNewItemIndices(existing: readonly (readonly string[])[], assigned: Int32Array, keys: readonly string[], o: PlanNewItemIndicesOptions): NewItemIndex[] {
  const M = o.levels;
  if (assigned.length !== keys.length * M) throw new RecError('E_INTERNAL', `planNewItemIndices: ${assigned.length} codes for ${keys.length} items × ${M} levels`);
  /** tuple key → suffixes used (empty set: one holder without suffix). */
  const used = new Map<string, Set<number> | 'plain'>();
  const tupleOf = (tokens: readonly string[]): { key: string; suffix: number | undefined } => {
    const codes = tokens.slice(0, M).map((t) => {
      const p = parseLevelToken(t, o.prefix);
      if (!p) throw new RecError('E_DATA_FORMAT', `existing index token ${t} is not a level token of prefix "${o.prefix}"`);
      return p.code;
    });
    const s = tokens[M];
    const suffix = s === undefined ? undefined : Number(/_(\d+)>$/.exec(s)?.[1]);
    return { key: codes.join(','), suffix };
  };
  const add = (key: string, suffix: number | undefined): void => {
    if (suffix === undefined) used.set(key, 'plain');
    else {
      const cur = used.get(key);
      const set = cur instanceof Set ? cur : new Set<number>();
      set.add(suffix);
      used.set(key, set);
    }
  };
  for (const t of existing) {
    const { key, suffix } = tupleOf(t);
    add(key, suffix);
  }
  const dist = (a: number, b: number): number => {
    const cb = o.lastLevelCodebook;
    if (!cb) return Math.abs(a - b);
    let s = 0;
    for (let d = 0; d < cb.dim; d++) {
      const x = cb.data[a * cb.dim + d] - cb.data[b * cb.dim + d];
      s += x * x;
    }
    return s;
  };
  return keys.map((name, j) => {
    const codes = Array.from(assigned.subarray(j * M, (j + 1) * M));
    const levelTokens = (cs: readonly number[]) => cs.map((c, m) => levelToken(o.prefix, m, c));
    const key = codes.join(',');
    const cur = used.get(key);
    if (cur === undefined) {
      add(key, undefined);
      return { tokens: levelTokens(codes), assigned: codes, resolution: 'unique' as const };
    }
    if (cur instanceof Set) {
      const free = Array.from({ length: o.suffixSlots }, (_, k) => k).find((k) => !cur.has(k));
      if (free !== undefined) {
        cur.add(free);
        return { tokens: [...levelTokens(codes), suffixToken(o.prefix, free)], assigned: codes, resolution: 'suffix' as const };
      }
    }
    const head = codes.slice(0, M - 1);
    const last = codes[M - 1];
    let best: number | undefined;
    for (let c = 0; c < o.codebookSize; c++) {
      if (used.has([...head, c].join(','))) continue;
      if (best === undefined || dist(c, last) < dist(best, last)) best = c;
    }
    if (best === undefined) {
      throw new RecError('E_CONFIG', `new item "${name}": its index prefix ${levelTokens(head).join('')} has no free last-level code and no free collision suffix`, {
        hint: 'Retrain with more suffix slots (--set indexer.suffixTokens=…) or a larger codebook.',
      });
    }
    const rerouted = [...head, best];
    add(rerouted.join(','), undefined);
    return { tokens: levelTokens(rerouted), assigned: codes, resolution: 'rerouted' as const };
  });
}
