import { describe, expect, it } from 'vitest';
import { configDiff, describeChanges } from './config-diff';

describe('configDiff', () => {
  it('names each differing key by its dotted path, with both values', () => {
    const there = { dim: 16, loss: 'ce', backbone: { name: 'llama', options: { model: { dim: 32, nLayers: 1 } } }, ks: [1, 5] };
    const now = { dim: 32, loss: 'ce', backbone: { name: 'llama', options: { model: { dim: 32, nLayers: 2 } } }, ks: [1, 5], extra: true };
    const d = configDiff(there, now, 'modelConfig');
    expect(d).toEqual([
      { key: 'modelConfig.dim', there: 16, now: 32 },
      { key: 'modelConfig.backbone.options.model.nLayers', there: 1, now: 2 },
      { key: 'modelConfig.extra', there: undefined, now: true },
    ]);
    expect(describeChanges(d)).toBe('modelConfig.dim (16 there, 32 now); modelConfig.backbone.options.model.nLayers (1 there, 2 now); modelConfig.extra (unset there, true now)');
    expect(configDiff(there, structuredClone(there), 'm')).toEqual([]);
    expect(describeChanges(d, 1)).toMatch(/; and 2 more$/);
  });
});
