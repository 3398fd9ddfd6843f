import type { ItemId } from '@ed2/core';

/** Left-padded id rows (item id + 1; 0 = padding), most recent last: Int32Array [rows, maxLen]. */
export function padLeft(seqs: readonly (readonly ItemId[])[], maxLen: number): Int32Array {
  const out = new Int32Array(seqs.length * maxLen);
  seqs.forEach((s, r) => {
    const tail = s.slice(Math.max(0, s.length - maxLen));
    const off = r * maxLen + (maxLen - tail.length);
    for (let i = 0; i < tail.length; i++) out[off + i] = tail[i] + 1;
  });
  return out;
}

/** Training pairs of one sequence: input = seq[:-1], target = seq[1:] (both truncated to maxLen). */
export function trainingPairs(seqs: readonly (readonly ItemId[])[]): { inputs: ItemId[][]; targets: ItemId[][]; users: number[] } {
  const inputs: ItemId[][] = [];
  const targets: ItemId[][] = [];
  const users: number[] = [];
  seqs.forEach((s, u) => {
    if (s.length < 2) return;
    inputs.push(s.slice(0, -1));
    targets.push(s.slice(1));
    users.push(u);
  });
  return { inputs, targets, users };
}
