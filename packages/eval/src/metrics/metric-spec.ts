import { RecError } from '@ed2/core';

/** The metric families: hit rate, normalised DCG and reciprocal rank. */
export const METRIC_KINDS = ['hr', 'ndcg', 'mrr'] as const;
export type MetricKind = (typeof METRIC_KINDS)[number];

/**
 * A parsed metric name: `hr@10` → `{ kind: 'hr', k: 10 }`, `mrr` → `{ kind: 'mrr' }` (full,
 * not truncated). `hr` and `ndcg` always have a cutoff; `mrr` may have one (`mrr@10`).
 */
export interface MetricSpec {
  readonly name: string;
  readonly kind: MetricKind;
  readonly k?: number;
}

const PATTERN = /^(hr|ndcg|mrr)(?:@(\d+))?$/;
const KNOWN = 'hr@K, ndcg@K, mrr, mrr@K (K a positive integer, e.g. ndcg@10)';

/** Parses `hr@10`, `ndcg@5`, `mrr`, `mrr@10` (case-insensitive); a clear RecError otherwise. */
export function parseMetric(name: string): MetricSpec {
  const canonical = String(name).trim().toLowerCase();
  const m = PATTERN.exec(canonical);
  if (!m) throw new RecError('E_CONFIG', `unknown metric "${name}"; known metrics: ${KNOWN}`, { hint: 'use e.g. hr@10, ndcg@10 or mrr' });
  const kind = m[1] as MetricKind;
  if (m[2] === undefined) {
    if (kind !== 'mrr') throw new RecError('E_CONFIG', `metric "${name}" needs a cutoff K, e.g. ${kind}@10; known metrics: ${KNOWN}`);
    return { name: 'mrr', kind };
  }
  const k = Number(m[2]);
  if (!Number.isSafeInteger(k) || k < 1) throw new RecError('E_CONFIG', `metric "${name}" has an invalid cutoff ${m[2]}; K must be a positive integer`);
  return { name: `${kind}@${k}`, kind, k };
}

/**
 * Value of one metric for a case whose target sits at 1-based `rank` (one relevant item):
 * HR@K = [r ≤ K], NDCG@K = 1/log2(r + 1) if r ≤ K, MRR = 1/r, MRR@K = 1/r if r ≤ K.
 * `cutoff` is the longest list the ranking knew (top-k rankings): a rank above it means "not in
 * the list" and scores 0 for every metric, so full MRR on a top-k ranking is MRR@k.
 */
export function metricValue(spec: MetricSpec, rank: number, cutoff = Infinity): number {
  if (!(rank >= 1) || rank > cutoff) return 0;
  if (spec.k !== undefined && rank > spec.k) return 0;
  switch (spec.kind) {
    case 'hr':
      return 1;
    case 'ndcg':
      return 1 / Math.log2(rank + 1);
    case 'mrr':
      return 1 / rank;
  }
}
