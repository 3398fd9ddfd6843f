import * as tf from '@tensorflow/tfjs-core';
import { collisionGroups } from './collisions';
import { squaredDistances } from './kmeans';

export interface SinkhornOptions {
  readonly epsilon: number;
  readonly iterations: number;
}

/**
 * Entropic optimal transport of k rows onto N columns (rows sum to 1, columns to k/N): the transport
 * plan [k, N] for cost [k, N] (scaled to [0, 1] first). Plain JS; k is the number of colliding entities.
 */
export function sinkhornPlan(cost: Float32Array, k: number, n: number, o: SinkhornOptions): Float64Array {
  let max = 0;
  for (const c of cost) max = Math.max(max, c);
  const K = new Float64Array(k * n);
  for (let i = 0; i < K.length; i++) K[i] = Math.exp(-cost[i] / (max || 1) / o.epsilon) + 1e-300;
  const u = new Float64Array(k).fill(1);
  const v = new Float64Array(n).fill(1);
  for (let it = 0; it < o.iterations; it++) {
    for (let i = 0; i < k; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += K[i * n + j] * v[j];
      u[i] = 1 / s;
    }
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < k; i++) s += K[i * n + j] * u[i];
      v[j] = k / n / s;
    }
  }
  const plan = new Float64Array(k * n);
  for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) plan[i * n + j] = u[i] * K[i * n + j] * v[j];
  return plan;
}

/**
 * Re-assigns the last-level code of colliding entities (codes row-major [n, levels]) by a Sinkhorn plan
 * over the distances of their last-level residuals `lastInputs` ([n, D]) to `lastBook` [N, D], taking the
 * highest-mass free (prefix, code) pairs first. Entities that find no free code keep theirs (the suffix
 * then resolves them). Returns new codes.
 */
export function sinkhornReassign(codes: Int32Array, levels: number, lastInputs: tf.Tensor2D, lastBook: tf.Tensor2D, o: SinkhornOptions): Int32Array {
  const out = Int32Array.from(codes);
  const n = codes.length / levels;
  const N = lastBook.shape[0];
  const members: number[] = [];
  for (const g of collisionGroups(codes, levels).values()) if (g.length > 1) members.push(...g);
  if (members.length === 0) return out;
  const inMembers = new Set(members);
  const prefixOf = (i: number) => codes.subarray(i * levels, (i + 1) * levels - 1).join(',');
  const taken = new Set<string>();
  for (let i = 0; i < n; i++) if (!inMembers.has(i)) taken.add(`${prefixOf(i)}|${codes[i * levels + levels - 1]}`);
  const cost = tf.tidy(() => squaredDistances(tf.gather(lastInputs, Int32Array.from(members)), lastBook).dataSync() as Float32Array);
  const plan = sinkhornPlan(cost, members.length, N, o);
  const order = Array.from(plan.keys()).sort((a, b) => plan[b] - plan[a] || a - b);
  const done = new Set<number>();
  for (const p of order) {
    const r = Math.floor(p / N);
    if (done.has(r)) continue;
    const e = members[r];
    const key = `${prefixOf(e)}|${p % N}`;
    if (taken.has(key)) continue;
    taken.add(key);
    done.add(r);
    out[e * levels + levels - 1] = p % N;
    if (done.size === members.length) break;
  }
  return out;
}
