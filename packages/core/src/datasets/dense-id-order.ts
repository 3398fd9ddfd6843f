/**
 * The order in which a dataset's own ids become dense ids 0..n-1: numeric order when every id is a
 * decimal integer (so files whose ids already are 0..n-1 keep them), else first appearance.
 * Returns the unique ids in that order.
 */
export function denseIdOrder(ids: Iterable<string>): string[] {
  const unique = [...new Set(ids)];
  if (unique.every((s, k) => s === String(k))) return unique; // already 0..n-1 in order
  if (!unique.every((s) => /^\d+$/.test(s))) return unique;
  return unique
    .map((s) => [Number(s), s] as const)
    .sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]))
    .map((p) => p[1]);
}

/** id → dense index for an order returned by `denseIdOrder`. */
export function indexOf(order: readonly string[]): Map<string, number> {
  return new Map(order.map((id, i) => [id, i]));
}
