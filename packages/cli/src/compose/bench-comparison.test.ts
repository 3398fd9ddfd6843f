import type { ProtocolManifest } from '@ed2/eval';
import { describe, expect, it } from 'vitest';
import { benchComparison } from './bench-comparison';
import type { BenchRow } from './run-bench';

const manifest: ProtocolManifest = {
  split: { kind: 'leave-one-out (chronological)', train: 4, valid: 4, test: 4 },
  data: { name: 'toy', hash: 'sha256:1', users: 4, items: 9, interactions: 20 },
  candidates: 'all',
  rankedBy: 'scores',
  topK: null,
  seenItems: 'ranked',
  beam: null,
  constraint: 'n/a',
  templates: 1,
  ks: [10],
  seeds: [42],
  backend: 'cpu',
};

const row = (name: string, hr: number[], m: Partial<ProtocolManifest> = {}): BenchRow => ({
  entry: { name, id: name, model: name, modelConfig: {} },
  runs: [{ seed: 42, dir: `/x/${name}`, metrics: { 'hr@10': hr.reduce((a, b) => a + b, 0) / hr.length }, manifest: { ...manifest, ...m }, seconds: 1, perUser: { users: [0, 1, 2, 3], values: { 'hr@10': hr } }, trained: true }],
});

describe('benchComparison', () => {
  it('refuses rows measured under different protocols, naming each differing field and the rows’ values', () => {
    const rows = [row('sasrec', [1, 0, 1, 1]), row('gru4rec', [0, 0, 1, 1], { seenItems: 'masked', ks: [5, 10] })];
    const err = (() => {
      try {
        benchComparison(rows, ['hr@10'], { title: 't', slug: '', allowMixed: false });
      } catch (e) {
        return e as Error & { code: string; hint?: string };
      }
      return undefined;
    })();
    expect(err?.code).toBe('E_CONFIG');
    expect(err?.message).toContain('seenItems (sasrec: "ranked", gru4rec: "masked")');
    expect(err?.message).toContain('ks (sasrec: [10], gru4rec: [5,10])');
    expect(err?.hint).toContain('--allow-mixed-protocols');
  });

  it('with allowMixed, builds the table and keeps the differences', () => {
    const t = benchComparison([row('sasrec', [1, 0, 1, 1]), row('gru4rec', [0, 0, 1, 1], { seenItems: 'masked' })], ['hr@10'], { title: 't', slug: '', allowMixed: true });
    expect(t.differences.map((d) => d.field)).toEqual(['seenItems']);
    expect(t.comparison.leaders['hr@10']).toMatchObject({ best: 'sasrec', second: 'gru4rec', improvement: (0.75 - 0.5) / 0.5 });
  });

  it('a run without a manifest is refused with the fix', () => {
    const r = row('old', [1, 1, 0, 0]);
    const { manifest: _m, ...bare } = r.runs[0];
    expect(() => benchComparison([{ ...r, runs: [bare] }], ['hr@10'], { title: 't', slug: '', allowMixed: false })).toThrow(/no protocol manifest/);
  });
});
