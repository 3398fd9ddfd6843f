import type { IndexStats } from '@ed2/core';
import { collisionGroups } from './collisions';

/**
 * Collision rate (1 − distinct/n), colliding fraction, code usage and perplexity per level, and the
 * category purity of the first token (mean share of the majority category among the entities that share
 * a first token, weighted by group size) when categories are given. codes: row-major [n, levels].
 */
export function computeIndexStats(codes: Int32Array, levels: number, codebookSize: number, categories?: readonly (string | undefined)[]): IndexStats {
  const n = codes.length / levels;
  const groups = collisionGroups(codes, levels);
  let colliding = 0;
  let maxSet = n > 0 ? 1 : 0;
  for (const g of groups.values()) {
    if (g.length > 1) colliding += g.length;
    maxSet = Math.max(maxSet, g.length);
  }
  const usage: number[] = [];
  const perplexity: number[] = [];
  for (let m = 0; m < levels; m++) {
    const counts = new Float64Array(codebookSize);
    for (let i = 0; i < n; i++) counts[codes[i * levels + m]]++;
    let used = 0;
    let entropy = 0;
    for (const c of counts) {
      if (c === 0) continue;
      used++;
      const p = c / n;
      entropy -= p * Math.log(p);
    }
    usage.push(used / codebookSize);
    perplexity.push(Math.exp(entropy));
  }
  const stats: IndexStats = {
    entities: n,
    levels,
    codebookSize,
    collisionRate: n === 0 ? 0 : 1 - groups.size / n,
    collidingFraction: n === 0 ? 0 : colliding / n,
    maxCollisionSet: maxSet,
    collisionRateAfter: 0,
    usage,
    perplexity,
  };
  if (!categories) return stats;
  const byFirst = new Map<number, Map<string, number>>();
  let labelled = 0;
  for (let i = 0; i < n; i++) {
    const c = categories[i];
    if (c === undefined) continue;
    labelled++;
    const first = codes[i * levels];
    const counts = byFirst.get(first) ?? new Map<string, number>();
    counts.set(c, (counts.get(c) ?? 0) + 1);
    byFirst.set(first, counts);
  }
  let majority = 0;
  for (const counts of byFirst.values()) majority += Math.max(...counts.values());
  // no entity has a category (Instruments; Scientific as loaded): purity is undefined, not 0
  return labelled === 0 ? stats : { ...stats, firstTokenPurity: majority / labelled };
}
