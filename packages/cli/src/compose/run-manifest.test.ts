import type { Corpus } from '@ed2/core';
import { corpusStats, leaveOneOut } from '@ed2/core';
import type { EvalResult } from '@ed2/eval';
import { describe, expect, it } from 'vitest';
import { runManifest } from './run-manifest';

const corpus = { name: 'toy', items: Array.from({ length: 6 }, (_, i) => ({ id: i })), users: [{ id: 0 }, { id: 1 }], sequences: [[0, 1, 2, 3], [4, 5, 0]], source: {} } as unknown as Corpus;
const split = leaveOneOut(corpus);
const stats = corpusStats(corpus);
const scored: EvalResult = { metrics: {}, perCase: {}, ranks: new Int32Array(2), users: Int32Array.from([0, 1]), count: 2, seconds: 0, protocol: { excludeSeen: false, ks: [1, 10], ranking: 'full', ties: 'pessimistic', numItems: 6 } };
const generated: EvalResult = { ...scored, protocol: { excludeSeen: true, ks: [10], ranking: 'top-k', ties: 'pessimistic', topK: 10, templates: 3, constraint: 'constrained beam search over a prefix trie of the item indices' } };

describe('runManifest', () => {
  it('a score-based run: split sizes, all items, seen items ranked, no beam or constraint', () => {
    const m = runManifest({ corpus, split, stats, test: scored, model: {}, modelConfig: { dim: 8 }, seed: 7, backend: 'cpu' });
    expect(m).toMatchObject({ split: { train: 2, valid: 2, test: 2 }, data: { name: 'toy', users: 2, items: 6, interactions: 7 }, candidates: 'all', rankedBy: 'scores', topK: null, seenItems: 'ranked', beam: null, constraint: 'n/a', templates: 1, ks: [1, 10], seeds: [7], backend: 'cpu' });
  });

  it('a generating run: beam from the options, trie from the evaluation, masking and templates from the protocol', () => {
    const m = runManifest({ corpus, split, stats, test: generated, model: {}, modelConfig: { beams: 20 }, seed: 7, backend: 'cpu' });
    expect(m).toMatchObject({ rankedBy: 'generation', topK: 10, seenItems: 'masked', beam: 20, constraint: 'trie', templates: 3 });
    expect(runManifest({ corpus, split, stats, test: generated, model: {}, modelConfig: { beams: 20, constrained: false }, seed: 7, backend: 'cpu' }).constraint).toBe('none');
    const own = { protocolInfo: () => ({ beam: 5, constraint: 'none' as const }) };
    expect(runManifest({ corpus, split, stats, test: generated, model: own, modelConfig: { beams: 20 }, seed: 7, backend: 'cpu' })).toMatchObject({ beam: 5, constraint: 'none' });
  });
});
