import { container } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { PluginRegistry } from '@ed2/core';
import { manifestContract } from '@ed2/core/testing';
import type { MetricFn } from './metrics/metric-factories';
import manifest from './plugin';

manifestContract(manifest);

describe('eval plugin metrics', () => {
  const make = async (name: 'hr' | 'ndcg' | 'mrr', config: Record<string, unknown>) => {
    const f = manifest.metrics![name];
    return (await f.create(container.createChildContainer(), f.config.parse(config))) as MetricFn;
  };

  it('hr and ndcg default to K = 10 and map a rank to the metric value', async () => {
    const hr = await make('hr', {});
    const ndcg = await make('ndcg', { k: 5 });
    expect(hr.metricName).toBe('hr@10');
    expect([1, 10, 11].map(hr)).toEqual([1, 1, 0]);
    expect(ndcg.metricName).toBe('ndcg@5');
    expect(ndcg(3)).toBeCloseTo(0.5, 15);
    expect(ndcg(6)).toBe(0);
  });

  it('mrr is full without k and truncated with it', async () => {
    const mrr = await make('mrr', {});
    const mrr10 = await make('mrr', { k: 10 });
    expect(mrr.metricName).toBe('mrr');
    expect(mrr(50)).toBe(0.02);
    expect(mrr10(50)).toBe(0);
    expect(mrr10(4)).toBe(0.25);
  });

  it('registers as metrics:hr, metrics:ndcg, metrics:mrr and rejects a bad k', () => {
    const registry = new PluginRegistry();
    registry.register(manifest);
    expect(registry.names('metrics').sort()).toEqual(['hr', 'mrr', 'ndcg']);
    expect(() => manifest.metrics!.hr.config.parse({ k: 0 })).toThrow();
    expect(() => manifest.metrics!.ndcg.config.parse({ k: 2.5 })).toThrow();
  });
});
