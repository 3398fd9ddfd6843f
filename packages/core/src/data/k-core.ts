import type { Corpus, Review } from '../domain/corpus';

/**
 * Iterative k-core: drop users and items with < k interactions until stable, then remap ids densely.
 * Reviews are kept when their user and item survive and the item is still in that user's sequence,
 * with both ids remapped.
 */
export function kCore(corpus: Corpus, k: number): Corpus {
  let seqs = corpus.sequences.map((s, u) => ({ u, items: [...s], idx: s.map((_, i) => i) }));
  for (;;) {
    const itemCount = new Map<number, number>();
    for (const s of seqs) for (const i of s.items) itemCount.set(i, (itemCount.get(i) ?? 0) + 1);
    let changed = false;
    const next = [];
    for (const s of seqs) {
      const keep = s.items.map((i) => (itemCount.get(i) ?? 0) >= k);
      const items = s.items.filter((_, j) => keep[j]);
      const idx = s.idx.filter((_, j) => keep[j]);
      if (items.length !== s.items.length) changed = true;
      if (items.length >= k) next.push({ u: s.u, items, idx });
      else changed = true;
    }
    seqs = next;
    if (!changed) break;
  }
  const itemMap = new Map<number, number>();
  for (const s of seqs) for (const i of s.items) if (!itemMap.has(i)) itemMap.set(i, 0);
  const oldItems = [...itemMap.keys()].sort((a, b) => a - b);
  oldItems.forEach((old, nu) => itemMap.set(old, nu));
  return {
    ...corpus,
    items: oldItems.map((old, id) => ({ ...corpus.items[old]!, id })),
    users: seqs.map((s, id) => ({ ...corpus.users[s.u]!, id })),
    sequences: seqs.map((s) => s.items.map((i) => itemMap.get(i)!)),
    timestamps: corpus.timestamps
      ? seqs.map((s) => s.idx.map((j) => corpus.timestamps![s.u]![j]!))
      : undefined,
    reviews: corpus.reviews ? remapReviews(corpus, seqs, itemMap) : undefined,
    source: { ...corpus.source, kCore: k },
  };
}

function remapReviews(corpus: Corpus, seqs: readonly { u: number; items: number[] }[], itemMap: Map<number, number>): Review[] {
  const userMap = new Map<number, number>();
  const kept = new Map<number, Set<number>>();
  seqs.forEach((s, nu) => {
    userMap.set(s.u, nu);
    kept.set(s.u, new Set(s.items));
  });
  const out: Review[] = [];
  for (const r of corpus.reviews ?? []) {
    const user = userMap.get(r.user);
    const item = itemMap.get(r.item);
    if (user === undefined || item === undefined || !kept.get(r.user)!.has(r.item)) continue;
    out.push({ ...r, user, item });
  }
  return out;
}
