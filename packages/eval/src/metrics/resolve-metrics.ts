import { RecError } from '@ed2/core';
import { METRIC_KINDS, parseMetric, type MetricKind, type MetricSpec } from './metric-spec';

/**
 * Expands a metric list against cutoffs: a family (`hr`, `ndcg`) becomes one metric per K, `mrr`
 * stays the full (untruncated) MRR, an explicit name (`ndcg@20`, `mrr@10`) is kept as is.
 * Order follows the list, then the Ks; duplicates are dropped.
 */
export function resolveMetrics(metrics: readonly string[], ks: readonly number[]): MetricSpec[] {
  for (const k of ks) {
    if (!Number.isSafeInteger(k) || k < 1) throw new RecError('E_CONFIG', `cutoff K = ${k} is invalid; Ks must be positive integers`);
  }
  const out = new Map<string, MetricSpec>();
  for (const raw of metrics) {
    const name = String(raw).trim().toLowerCase();
    if ((METRIC_KINDS as readonly string[]).includes(name)) {
      const kind = name as MetricKind;
      if (kind === 'mrr') out.set('mrr', { name: 'mrr', kind });
      else for (const k of ks) out.set(`${kind}@${k}`, { name: `${kind}@${k}`, kind, k });
    } else {
      const spec = parseMetric(raw);
      out.set(spec.name, spec);
    }
  }
  if (out.size === 0) throw new RecError('E_CONFIG', 'no metrics requested; use e.g. ["hr", "ndcg", "mrr"]');
  return [...out.values()];
}
