import type { EntityIndex, IndexerKind } from '@ed2/core';
import { Rng } from '@ed2/core';
import { indexVocabulary, levelToken, suffixToken } from './token-naming';

export interface CollisionResolution {
  /** Rank of each entity inside its collision set, or −1 when its code tuple is unique. */
  readonly suffix: Int32Array;
  /** Largest collision set (1 when there is none). */
  readonly maxSet: number;
  /** Number of distinct code tuples. */
  readonly distinct: number;
}

/** Groups entities by code tuple (codes: row-major [n, levels]). */
export function collisionGroups(codes: Int32Array, levels: number): Map<string, number[]> {
  const n = codes.length / levels;
  const groups = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const key = codes.subarray(i * levels, (i + 1) * levels).join(',');
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  }
  return groups;
}

/**
 * Ranks the members of every collision set in a seeded random order (deterministic given the seed);
 * entities with a unique code tuple get no suffix, so the resulting indices are unique and prefix-free.
 */
export function resolveCollisions(codes: Int32Array, levels: number, seed: number | string): CollisionResolution {
  const n = codes.length / levels;
  const groups = collisionGroups(codes, levels);
  const priority = new Rng(`${String(seed)}/collisions`).permutation(n);
  const suffix = new Int32Array(n).fill(-1);
  let maxSet = 1;
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    maxSet = Math.max(maxSet, g.length);
    g.sort((a, b) => priority[a] - priority[b]).forEach((e, rank) => (suffix[e] = rank));
  }
  return { suffix, maxSet, distinct: groups.size };
}

export interface BuildIndexOptions {
  readonly kind: IndexerKind;
  readonly prefix: string;
  readonly levels: number;
  readonly codebookSize: number;
  readonly seed: number | string;
  /** Suffix tokens always present in the vocabulary (more are added when a collision set is larger). */
  readonly suffixTokens: number;
}

/** Token sequences (with `<p_k>` suffixes where codes collide) and the branch vocabulary. */
export function buildEntityIndex(codes: Int32Array, o: BuildIndexOptions): EntityIndex {
  const { suffix, maxSet } = resolveCollisions(codes, o.levels, o.seed);
  const n = codes.length / o.levels;
  const tokens: string[][] = [];
  for (let i = 0; i < n; i++) {
    const t: string[] = [];
    for (let m = 0; m < o.levels; m++) t.push(levelToken(o.prefix, m, codes[i * o.levels + m]));
    if (suffix[i] >= 0) t.push(suffixToken(o.prefix, suffix[i]));
    tokens.push(t);
  }
  const suffixes = Math.max(o.suffixTokens, maxSet > 1 ? maxSet : 0);
  return { kind: o.kind, tokens, vocabulary: indexVocabulary(o.prefix, o.levels, o.codebookSize, suffixes) };
}

/** How many entities have a different code tuple in `next` than in `prev` (dynamic re-indexing). */
export function countChanged(prev: Int32Array, next: Int32Array, levels: number): number {
  const n = Math.min(prev.length, next.length) / levels;
  let changed = Math.abs(prev.length - next.length) / levels;
  for (let i = 0; i < n; i++) {
    for (let m = 0; m < levels; m++) {
      if (prev[i * levels + m] !== next[i * levels + m]) {
        changed++;
        break;
      }
    }
  }
  return changed;
}
