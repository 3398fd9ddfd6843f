import { describe, expect, it } from 'vitest';
import type { Corpus } from '../domain/corpus';
import { RecError } from '../errors/rec-error';
import { applyDatasetOptions, datasetOptionsSchema } from './dataset-options';
import { syntheticConfigSchema, SyntheticLoader } from './synthetic-loader';

const corpus: Corpus = {
  name: 't',
  items: [0, 1, 2, 3].map((id) => ({ id, key: `i${id}` })),
  users: [0, 1, 2, 3].map((id) => ({ id, key: `u${id}` })),
  sequences: [[0, 1, 2], [0, 1], [3], [0, 1, 3]],
  timestamps: [[1, 2, 3], [1, 2], [5], [1, 2, 3]],
  reviews: [
    { user: 0, item: 2, text: 'item 2 is dropped by 2-core' },
    { user: 1, item: 1, text: 'kept' },
    { user: 2, item: 3, text: 'user 2 is dropped' },
    { user: 3, item: 0, text: 'kept, user renumbered', query: 'q' },
  ],
  source: {},
};

describe('dataset options', () => {
  it('defaults are off', () => {
    expect(datasetOptionsSchema.parse({})).toEqual({ kCore: 0, minSequenceLength: 1 });
    expect(applyDatasetOptions(corpus, datasetOptionsSchema.parse({}))).toBe(corpus);
  });
  it('kCore remaps sequences, timestamps and reviews', () => {
    const c = applyDatasetOptions(corpus, { kCore: 2 });
    expect(c.sequences).toEqual([[0, 1], [0, 1], [0, 1]]);
    expect(c.timestamps).toEqual([[1, 2], [1, 2], [1, 2]]);
    expect(c.users.map((u) => u.key)).toEqual(['u0', 'u1', 'u3']);
    expect(c.reviews).toEqual([
      { user: 1, item: 1, text: 'kept' },
      { user: 2, item: 0, text: 'kept, user renumbered', query: 'q' },
    ]);
  });
  it('minSequenceLength drops short users and renumbers them and their reviews', () => {
    const c = applyDatasetOptions(corpus, { minSequenceLength: 3 });
    expect(c.users).toEqual([{ id: 0, key: 'u0' }, { id: 1, key: 'u3' }]);
    expect(c.sequences).toEqual([[0, 1, 2], [0, 1, 3]]);
    expect(c.timestamps).toEqual([[1, 2, 3], [1, 2, 3]]);
    expect(c.reviews!.map((r) => [r.user, r.item])).toEqual([[0, 2], [1, 0]]);
  });
  it('loaders stop with E_ABORTED on an aborted signal', async () => {
    const ac = new AbortController();
    ac.abort();
    const e = await new SyntheticLoader(syntheticConfigSchema.parse({ numUsers: 5 })).load({ signal: ac.signal }).catch((x: unknown) => x);
    expect(RecError.is(e, 'E_ABORTED')).toBe(true);
  });
});
