import { indexLevelToken, indexSuffixToken, type EntityIndex, type IndexBranchLayout } from '@ed2/core';
import { resolveCollisions } from '@ed2/indexers';

/**
 * TIGER's semantic IDs from an indexer's codes (row-major [n, levels]): the level tokens plus the collision
 * level `<p_k>`, k the rank of the item among the items with the same codes (seeded order). With `always` every
 * item carries it (0 when its codes are unique), as in the paper, so every ID has the same length.
 */
export function tigerIndex(codes: Int32Array, levels: number, codebookSize: number, mode: 'always' | 'colliding', seed: number): { index: EntityIndex; layout: IndexBranchLayout } {
  const n = codes.length / levels;
  const { suffix, maxSet } = resolveCollisions(codes, levels, seed);
  const tokens = Array.from({ length: n }, (_, i) => {
    const t = Array.from(codes.subarray(i * levels, (i + 1) * levels), (c, m) => indexLevelToken('', m, c));
    if (suffix[i] >= 0 || mode === 'always') t.push(indexSuffixToken('', Math.max(0, suffix[i])));
    return t;
  });
  const layout: IndexBranchLayout = { kind: 'item', prefix: '', levels, codebookSize, suffixes: Math.max(1, maxSet) };
  const vocabulary = [
    ...Array.from({ length: levels * codebookSize }, (_, j) => indexLevelToken('', Math.floor(j / codebookSize), j % codebookSize)),
    ...Array.from({ length: layout.suffixes }, (_, k) => indexSuffixToken('', k)),
  ];
  return { index: { kind: 'item', tokens, vocabulary }, layout };
}
