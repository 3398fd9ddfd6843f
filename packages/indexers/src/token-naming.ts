import { RecError } from '@ed2/core';

/** Level letters: level m's tokens are `<${prefix}${LEVEL_LETTERS[m]}_${code}>`; `p` is the collision suffix. */
export const LEVEL_LETTERS = 'abcdefghijklmno';

/** `<a_12>` (items) or `<u_a_12>` (users, prefix `u_`). */
export function levelToken(prefix: string, level: number, code: number): string {
  return `<${prefix}${LEVEL_LETTERS[level]}_${code}>`;
}

/** Collision suffix `<p_k>`: the rank of the entity inside its collision set. */
export function suffixToken(prefix: string, rank: number): string {
  return `<${prefix}p_${rank}>`;
}

export function checkLevels(levels: number): void {
  if (!Number.isInteger(levels) || levels < 1 || levels > LEVEL_LETTERS.length) {
    throw new RecError('E_CONFIG', `indexer: levels must be an integer in 1..${LEVEL_LETTERS.length}, got ${levels}`, { hint: 'Index length M is usually 3–5.' });
  }
}

/** The tokenizer-facing vocabulary of one branch: M·N level tokens, then `suffixes` suffix tokens. */
export function indexVocabulary(prefix: string, levels: number, codebookSize: number, suffixes: number): string[] {
  checkLevels(levels);
  const out: string[] = [];
  for (let m = 0; m < levels; m++) for (let k = 0; k < codebookSize; k++) out.push(levelToken(prefix, m, k));
  for (let k = 0; k < suffixes; k++) out.push(suffixToken(prefix, k));
  return out;
}

/** Parses `<a_12>` / `<u_b_3>` into level and code; undefined when the token is not a level token of `prefix`. */
export function parseLevelToken(token: string, prefix = ''): { level: number; code: number } | undefined {
  const m = /^<(.*?)([a-o])_(\d+)>$/.exec(token);
  if (!m || m[1] !== prefix) return undefined;
  return { level: LEVEL_LETTERS.indexOf(m[2]), code: Number(m[3]) };
}
