import { describe, expect, it } from 'vitest';
import { RecError } from '@ed2/core';
import { metricValue, parseMetric } from './metric-spec';
import { resolveMetrics } from './resolve-metrics';

describe('parseMetric', () => {
  it('parses hr@K, ndcg@K, mrr and mrr@K case-insensitively', () => {
    expect(parseMetric('hr@10')).toEqual({ name: 'hr@10', kind: 'hr', k: 10 });
    expect(parseMetric('NDCG@5')).toEqual({ name: 'ndcg@5', kind: 'ndcg', k: 5 });
    expect(parseMetric('mrr')).toEqual({ name: 'mrr', kind: 'mrr' });
    expect(parseMetric('mrr@20')).toEqual({ name: 'mrr@20', kind: 'mrr', k: 20 });
  });

  it('rejects unknown names, missing and invalid cutoffs with an E_CONFIG error listing the known forms', () => {
    for (const bad of ['recall@10', 'hr', 'ndcg@0', 'hr@-1', 'hr@1.5', '']) {
      let err: unknown;
      try {
        parseMetric(bad);
      } catch (e) {
        err = e;
      }
      expect(RecError.is(err, 'E_CONFIG'), bad).toBe(true);
      expect((err as Error).message).toMatch(bad === 'ndcg@0' ? /cutoff|known metrics/ : /known metrics/);
    }
    expect(() => parseMetric('recall@10')).toThrow(/unknown metric "recall@10".*hr@K, ndcg@K, mrr/);
  });
});

describe('metricValue', () => {
  const hr10 = parseMetric('hr@10');
  const ndcg10 = parseMetric('ndcg@10');
  const mrr = parseMetric('mrr');
  const mrr5 = parseMetric('mrr@5');

  it('HR@K = [r ≤ K]', () => {
    expect([1, 5, 10, 11, 500].map((r) => metricValue(hr10, r))).toEqual([1, 1, 1, 0, 0]);
  });

  it('NDCG@K = 1/log2(r + 1) within K, else 0', () => {
    expect(metricValue(ndcg10, 1)).toBe(1);
    expect(metricValue(ndcg10, 3)).toBeCloseTo(0.5, 15); // 1/log2(4)
    expect(metricValue(ndcg10, 7)).toBeCloseTo(1 / 3, 15); // 1/log2(8)
    expect(metricValue(ndcg10, 2)).toBeCloseTo(0.6309297535714575, 15);
    expect(metricValue(ndcg10, 11)).toBe(0);
  });

  it('MRR = 1/r untruncated; MRR@K is 0 beyond K', () => {
    expect(metricValue(mrr, 4)).toBe(0.25);
    expect(metricValue(mrr, 1000)).toBe(0.001);
    expect(metricValue(mrr5, 4)).toBe(0.25);
    expect(metricValue(mrr5, 6)).toBe(0);
  });

  it('a rank beyond a top-k cutoff (target not in the list) scores 0 for every metric', () => {
    for (const spec of [hr10, ndcg10, mrr]) expect(metricValue(spec, 21, 20)).toBe(0);
    expect(metricValue(mrr, 20, 20)).toBe(0.05);
  });
});

describe('resolveMetrics', () => {
  it('expands families over Ks (default order), keeps mrr full and explicit names, drops duplicates', () => {
    expect(resolveMetrics(['hr', 'ndcg', 'mrr'], [1, 5, 10]).map((m) => m.name)).toEqual(['hr@1', 'hr@5', 'hr@10', 'ndcg@1', 'ndcg@5', 'ndcg@10', 'mrr']);
    expect(resolveMetrics(['ndcg@20', 'hr', 'hr@5', 'mrr@10'], [5]).map((m) => m.name)).toEqual(['ndcg@20', 'hr@5', 'mrr@10']);
  });

  it('rejects unknown metric names', () => {
    expect(() => resolveMetrics(['hr', 'precision'], [10])).toThrow(/unknown metric "precision"/);
  });
});
