import { RecError } from '../errors/rec-error';

/** Level letters: level m's tokens are `<${prefix}${INDEX_LEVEL_LETTERS[m]}_${code}>`; `p` is the collision suffix. */
export const INDEX_LEVEL_LETTERS = 'abcdefghijklmno';

/** `<a_12>` (items) or `<u_a_12>` (users, prefix `u_`). */
export function indexLevelToken(prefix: string, level: number, code: number): string {
  return `<${prefix}${INDEX_LEVEL_LETTERS[level]}_${code}>`;
}

/** Collision suffix `<p_k>`: the rank of the entity inside its collision set. */
export function indexSuffixToken(prefix: string, rank: number): string {
  return `<${prefix}p_${rank}>`;
}

export function checkIndexLevels(levels: number): void {
  if (!Number.isInteger(levels) || levels < 1 || levels > INDEX_LEVEL_LETTERS.length) {
    throw new RecError('E_CONFIG', `indexer: levels must be an integer in 1..${INDEX_LEVEL_LETTERS.length}, got ${levels}`, { hint: 'Index length M is usually 3–5.' });
  }
}
