import { INDEX_LEVEL_LETTERS, checkIndexLevels, indexLevelToken, indexSuffixToken } from '@ed2/core';

/** Level letters: level m's tokens are `<${prefix}${LEVEL_LETTERS[m]}_${code}>`; `p` is the collision suffix (names owned by core's IndexVocabulary). */
export const LEVEL_LETTERS = INDEX_LEVEL_LETTERS;
export const levelToken = indexLevelToken;
export const suffixToken = indexSuffixToken;
export const checkLevels = checkIndexLevels;

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
