import { createHash } from 'node:crypto';

/**
 * A stable fingerprint of the loaded interactions: SHA-256 over the item count and every user's
 * item sequence in order (ids only; titles, timestamps and file paths do not change it). Two runs
 * with the same hash trained and tested on the same data, whatever path or loader produced it.
 */
export function interactionsHash(data: { readonly numItems: number; readonly sequences: readonly (readonly number[])[] }): string {
  const h = createHash('sha256');
  h.update(`items ${data.numItems}\nusers ${data.sequences.length}\n`);
  for (const s of data.sequences) h.update(`${s.join(' ')}\n`);
  return `sha256:${h.digest('hex')}`;
}
