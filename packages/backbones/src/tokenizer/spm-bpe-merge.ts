/** A candidate merge of two adjacent symbols, scored by the merged piece's score. */
interface Bigram {
  left: number;
  right: number;
  score: number;
  text: string;
}

/** Higher score first; ties go to the leftmost pair (SentencePiece / llama.cpp order). */
function before(a: Bigram, b: Bigram): boolean {
  return a.score > b.score || (a.score === b.score && a.left < b.left);
}

class BigramHeap {
  private readonly items: Bigram[] = [];
  get size(): number {
    return this.items.length;
  }
  push(b: Bigram): void {
    const h = this.items;
    h.push(b);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }
  pop(): Bigram {
    const h = this.items;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l], h[m])) m = l;
        if (r < h.length && before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

/**
 * SentencePiece BPE merging in O(n log n): start from one symbol per code point, repeatedly merge the adjacent
 * pair whose concatenation has the highest score (`scoreOf` returns undefined for pairs that may not merge),
 * using a doubly linked symbol list and a priority queue of candidate bigrams; stale queue entries (a side
 * already merged away) are skipped on pop. Returns the final symbols left to right.
 */
export function spmBpeMerge(symbols: readonly string[], scoreOf: (piece: string) => number | undefined): string[] {
  const n = symbols.length;
  const text = symbols.slice();
  const prev = Array.from({ length: n }, (_, i) => i - 1);
  const next = Array.from({ length: n }, (_, i) => (i + 1 < n ? i + 1 : -1));
  const heap = new BigramHeap();
  const tryAdd = (left: number, right: number) => {
    if (left < 0 || right < 0) return;
    const t = text[left] + text[right];
    const score = scoreOf(t);
    if (score !== undefined) heap.push({ left, right, score, text: t });
  };
  for (let i = 0; i + 1 < n; i++) tryAdd(i, i + 1);
  while (heap.size > 0) {
    const b = heap.pop();
    // stale: one side was merged since this bigram was queued
    if (text[b.left] === '' || text[b.right] === '' || next[b.left] !== b.right || text[b.left] + text[b.right] !== b.text) continue;
    text[b.left] = b.text;
    text[b.right] = '';
    const nr = next[b.right];
    next[b.left] = nr;
    if (nr >= 0) prev[nr] = b.left;
    tryAdd(prev[b.left], b.left);
    tryAdd(b.left, nr);
  }
  const out: string[] = [];
  for (let i = n > 0 ? 0 : -1; i >= 0; i = next[i]) out.push(text[i]);
  return out;
}
