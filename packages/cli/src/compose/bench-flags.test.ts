import { describe, expect, it } from 'vitest';
import { applySets, parseKs, parseSeeds } from './bench-flags';

describe('bench flags', () => {
  it('--set <row>.key=v reaches that row only; a key naming no row reaches every row (dotted keys as in rec run)', () => {
    const configs: Record<string, Record<string, unknown>> = { sasrec: {}, ed2: { epochs: 2 } };
    applySets(configs, ['sasrec.dim=64', 'ed2.backbone.loraRank=16', 'patience=3']);
    expect(configs).toEqual({ sasrec: { dim: 64, patience: 3 }, ed2: { epochs: 2, backbone: { options: { loraRank: 16 } }, patience: 3 } });
  });

  it('--seeds N runs seed … seed + N − 1; bad values are config errors', () => {
    expect(parseSeeds(42, 3)).toEqual([42, 43, 44]);
    expect(() => parseSeeds(42, 0)).toThrow(/--seeds 0/);
    expect(parseKs('1, 5,10')).toEqual([1, 5, 10]);
    expect(() => parseKs('1,x')).toThrow(/--ks/);
  });
});
