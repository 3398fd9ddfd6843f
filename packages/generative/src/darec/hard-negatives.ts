import type { Rng } from '@ed2/core';

/**
 * DARec's hard negatives: for each item, the `m` items most similar to it by attribute words (Jaccard over the
 * word sets; words on more than half the items carry no signal and are ignored) that were never bought together
 * with it (never in one training sequence). Ties and a shortfall (too few similar items) are filled in a seeded
 * random order from the remaining never-co-bought items. Returns `[numItems][≤ m]` item ids.
 */
export function hardNegatives(words: readonly (readonly string[])[], sequences: readonly (readonly number[])[], m: number, rng: Rng): number[][] {
  const n = words.length;
  if (m === 0) return words.map(() => []);
  const together: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  for (const s of sequences) {
    const u = [...new Set(s)];
    for (const a of u) for (const b of u) together[a].add(b);
  }
  const all = new Map<string, number[]>();
  words.forEach((ws, i) => ws.forEach((w) => (all.get(w) ?? all.set(w, []).get(w)!).push(i)));
  const postings = new Map([...all].filter(([, list]) => list.length <= n / 2));
  const sets = words.map((ws) => ws.filter((w) => postings.has(w)));
  const tie = rng.permutation(n); // seeded tie-break rank per item
  const shared = new Int32Array(n);
  return sets.map((ws, i) => {
    shared.fill(0);
    const touched: number[] = [];
    for (const w of ws) for (const j of postings.get(w)!) if (shared[j]++ === 0) touched.push(j);
    const ok = (j: number) => j !== i && !together[i].has(j);
    const jac = (j: number) => shared[j] / (ws.length + sets[j].length - shared[j]);
    const ranked = touched.filter(ok).sort((a, b) => jac(b) - jac(a) || tie[a] - tie[b]).slice(0, m);
    if (ranked.length < m) {
      const have = new Set(ranked);
      for (let k = 0; k < n && ranked.length < m; k++) {
        const j = tie[(k + i) % n];
        if (ok(j) && !have.has(j)) ranked.push(j);
      }
    }
    return ranked;
  });
}
