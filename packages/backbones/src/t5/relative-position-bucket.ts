/**
 * T5's relative-position bucket of `relative = key position − query position` (Hugging Face
 * `T5Attention._relative_position_bucket`): half the buckets per direction when bidirectional, exact buckets for
 * the first half of each side, logarithmic ones up to `maxDistance`. The log branch is evaluated in float32 steps
 * (Math.fround), as torch does, so bucket boundaries agree with the reference implementation. Hand-written: it is
 * T5's own 15-line formula, no package exports it.
 */
export function relativePositionBucket(relative: number, bidirectional: boolean, numBuckets: number, maxDistance: number): number {
  let buckets = 0;
  let n = numBuckets;
  let r = relative;
  if (bidirectional) {
    n = Math.floor(n / 2);
    if (r > 0) buckets += n;
    r = Math.abs(r);
  } else {
    r = -Math.min(r, 0);
  }
  const maxExact = Math.floor(n / 2);
  if (r < maxExact) return buckets + r;
  const f = Math.fround;
  const scaled = f(f(f(Math.log(f(r / maxExact))) / f(Math.log(maxDistance / maxExact))) * (n - maxExact));
  return buckets + Math.min(maxExact + Math.trunc(scaled), n - 1);
}

/** Bucket ids of every (query, key) pair, row-major [queries, keys]; query i sits at position `queryStart + i`. */
export function relativeBucketMatrix(queries: number, keys: number, queryStart: number, bidirectional: boolean, numBuckets: number, maxDistance: number): Int32Array {
  const out = new Int32Array(queries * keys);
  for (let i = 0; i < queries; i++) for (let j = 0; j < keys; j++) out[i * keys + j] = relativePositionBucket(j - (queryStart + i), bidirectional, numBuckets, maxDistance);
  return out;
}
