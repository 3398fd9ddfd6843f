/**
 * TIGER's user token: the user id hashed into `buckets` buckets (the hashing trick; 2,000 in the paper). FNV-1a
 * (32 bit) of the user's key string, so the bucket does not depend on id order. Hand-written: five lines.
 */
export function userBucket(key: string, buckets: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h % buckets;
}
