import { z } from 'zod';
import { definePlugin } from '@ed2/core';
import { metricValue, type MetricKind } from './metric-spec';

/** A metric as a plugin creates it: 1-based rank of the target → value. */
export type MetricFn = ((rank: number) => number) & { readonly metricName: string };

const cutoff = (fallback?: number) => {
  const k = z.number().int().positive();
  return fallback === undefined
    ? k.optional().describe('Cutoff K; omit for the full, untruncated MRR.')
    : k.default(fallback).describe('Cutoff K: only ranks ≤ K count.');
};

function factory(kind: MetricKind, summary: string, fallback?: number) {
  return definePlugin({
    summary,
    config: z.object({ k: cutoff(fallback) }).strict(),
    create: (_scope, config: { k?: number }): MetricFn => {
      const spec = config.k === undefined ? { name: kind, kind } : { name: `${kind}@${config.k}`, kind, k: config.k };
      return Object.assign((rank: number) => metricValue(spec, rank), { metricName: spec.name });
    },
  });
}

/** The `metrics` entries of the eval plugin manifest. */
export const metricFactories = {
  hr: factory('hr', 'Hit rate HR@K: 1 if the target ranks within the top K, else 0.', 10),
  ndcg: factory('ndcg', 'NDCG@K with one relevant item: 1/log2(rank + 1) if rank ≤ K, else 0.', 10),
  mrr: factory('mrr', 'Mean reciprocal rank: 1/rank (full), or 0 beyond K when k is set.'),
};
