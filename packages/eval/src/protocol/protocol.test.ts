import { describe, expect, it } from 'vitest';
import { interactionsHash } from './interactions-hash';
import { protocolDifferences } from './protocol-differences';
import { parseProtocolManifest, protocolManifestSchema, type ProtocolManifest } from './protocol-manifest';

const base: ProtocolManifest = {
  split: { kind: 'leave-one-out (chronological)', train: 100, valid: 90, test: 90 },
  data: { name: 'synthetic', hash: 'sha256:abc', users: 100, items: 50, interactions: 800 },
  candidates: 'all',
  rankedBy: 'scores',
  topK: null,
  seenItems: 'ranked',
  beam: null,
  constraint: 'n/a',
  templates: 1,
  ks: [1, 5, 10],
  seeds: [42],
  backend: 'tensorflow',
};

describe('interactionsHash', () => {
  it('is stable for the same sequences and changes with any item, order or the item count', () => {
    const h = interactionsHash({ numItems: 5, sequences: [[0, 1, 2], [3, 4]] });
    expect(h).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(interactionsHash({ numItems: 5, sequences: [[0, 1, 2], [3, 4]] })).toBe(h);
    expect(interactionsHash({ numItems: 5, sequences: [[0, 2, 1], [3, 4]] })).not.toBe(h);
    expect(interactionsHash({ numItems: 6, sequences: [[0, 1, 2], [3, 4]] })).not.toBe(h);
    // the user boundary is part of the hash: [0 1] [2 3 4] differs from [0 1 2] [3 4]
    expect(interactionsHash({ numItems: 5, sequences: [[0, 1], [2, 3, 4]] })).not.toBe(h);
  });
});

describe('protocol manifest', () => {
  it('the schema accepts a full manifest and rejects unknown or missing fields', () => {
    expect(protocolManifestSchema.parse(base)).toEqual(base);
    expect(parseProtocolManifest({ ...base, extra: 1 })).toBeUndefined();
    const { backend: _drop, ...noBackend } = base;
    expect(parseProtocolManifest(noBackend)).toBeUndefined();
  });

  it('names each comparability field that differs, with every row’s value', () => {
    const rows = [
      { name: 'sasrec', manifest: base },
      { name: 'gru4rec', manifest: { ...base, seenItems: 'masked' as const } },
      { name: 'other', manifest: { ...base, data: { ...base.data, hash: 'sha256:def' } } },
    ];
    const d = protocolDifferences(rows);
    expect(d.map((x) => x.field)).toEqual(['data.hash', 'seenItems']);
    expect(d[1].values).toEqual({ sasrec: 'ranked', gru4rec: 'masked', other: 'ranked' });
  });

  it('model-intrinsic fields (ranked by, templates, backend) may differ; beam and constraint only among generating rows', () => {
    const ed2: ProtocolManifest = { ...base, rankedBy: 'generation', topK: 20, beam: 20, constraint: 'trie', templates: 3, backend: 'wasm' };
    expect(protocolDifferences([{ name: 'sasrec', manifest: base }, { name: 'ed2', manifest: ed2 }])).toEqual([]);
    const tiger = { ...ed2, beam: 10 };
    expect(protocolDifferences([{ name: 'sasrec', manifest: base }, { name: 'ed2', manifest: ed2 }, { name: 'tiger', manifest: tiger }])).toEqual([{ field: 'beam', values: { ed2: 20, tiger: 10 } }]);
    const free = { ...ed2, constraint: 'none' as const };
    expect(protocolDifferences([{ name: 'ed2', manifest: ed2 }, { name: 'free', manifest: free }]).map((x) => x.field)).toEqual(['constraint']);
  });
});
