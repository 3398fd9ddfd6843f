import { leaveOneOut, Rng, type Corpus, type DualIndex, type EntityIndex, type SamplePart, type TaskContext } from '@ed2/core';

/**
 * Hand-made corpus for exact task tests. 4 users, 6 items (item 5 has no text).
 * Sequences → leave-one-out: u0 [0,1,2,4 | valid 3 | test 5], u1 [1,0 | 4 | 2],
 * u2 [2,4,0 | 5 | 1], u3 [5,3] (too short: training only).
 */
export const tinyCorpus: Corpus = {
  name: 'tiny',
  items: [
    { id: 0, key: 'I0', title: 'Nylon Guitar Strings', description: 'Soft strings for classical guitar', brand: 'Aria', categories: ['Instruments', 'Strings'] },
    { id: 1, key: 'I1', title: 'Clip-On Tuner', description: 'Chromatic tuner with a bright display', brand: 'Tono', categories: ['Instruments', 'Tuners'] },
    { id: 2, key: 'I2', title: 'Leather Strap', brand: 'Aria', categories: ['Instruments', 'Straps'] },
    { id: 3, key: 'I3', title: 'Steel Capo', description: 'Quick-release capo.', categories: ['Instruments', 'Capos'] },
    { id: 4, key: 'I4', title: 'Bass Strings', description: 'Long-scale nickel set', brand: 'Tono', categories: ['Instruments', 'Strings'] },
    { id: 5, key: 'I5' },
  ],
  users: [{ id: 0, key: 'U0' }, { id: 1, key: 'U1', profile: 'Jazz bassist.' }, { id: 2, key: 'U2' }, { id: 3, key: 'U3' }],
  sequences: [
    [0, 1, 2, 4, 3, 5],
    [1, 0, 4, 2],
    [2, 4, 0, 5, 1],
    [5, 3],
  ],
  reviews: [
    { user: 0, item: 0, text: 'Warm tone, easy on the fingers.', query: 'soft classical strings' },
    { user: 0, item: 1, text: 'Accurate and bright.' },
    { user: 0, item: 3, text: 'Capo slips.', query: 'capo' }, // u0's validation item: must never be used
    { user: 1, item: 1, text: 'Works fine.', summary: 'fine tuner' },
    { user: 2, item: 4, text: 'Deep sound.' },
    { user: 2, item: 5, text: 'Odd item.' }, // u2's validation item: must never be used
    { user: 3, item: 5, text: 'No label on it.' },
  ],
  source: { generator: 'hand-made' },
};

const entity = (kind: 'item' | 'user', tokens: string[][]): EntityIndex => ({ kind, tokens, vocabulary: [...new Set(tokens.flat())] });

/** I0..I5 and U0..U3 as index strings, for writing expectations. */
export const I = ['<a_1><b_2>', '<a_1><b_3>', '<a_2><b_1>', '<a_3><b_1>', '<a_3><b_2>', '<a_4><b_4>'];
export const U = ['<u_1><v_1>', '<u_1><v_2>', '<u_2><v_1>', '<u_3><v_3>'];

const split = (s: string) => s.match(/<[^>]+>/g)!;
export const tinyIndex: DualIndex = { item: entity('item', I.map(split)), user: entity('user', U.map(split)) };
export const tinyItemOnlyIndex: DualIndex = { item: tinyIndex.item };

export function tinyContext(part: SamplePart = 'train', options: { seed?: number; itemOnly?: boolean; corpus?: Corpus } = {}): TaskContext {
  const corpus = options.corpus ?? tinyCorpus;
  return { corpus, split: leaveOneOut(corpus), index: options.itemOnly ? tinyItemOnlyIndex : tinyIndex, rng: new Rng(options.seed ?? 11), part };
}

/** A random corpus (repeats allowed) for leakage checks at a larger scale, with a 2-level index. */
export function randomContext(seed: number, numUsers = 40, numItems = 30): TaskContext {
  const rng = new Rng(seed);
  const sequences = Array.from({ length: numUsers }, () => Array.from({ length: 2 + rng.int(9) }, () => rng.int(numItems)));
  const corpus: Corpus = {
    name: `random-${seed}`,
    items: Array.from({ length: numItems }, (_, id) => ({ id, key: `i${id}`, title: `Thing ${id} model ${id % 7}`, categories: ['All', `cat${id % 4}`] })),
    users: Array.from({ length: numUsers }, (_, id) => ({ id, key: `u${id}` })),
    sequences,
    reviews: sequences.flatMap((seq, user) => seq.map((item, t) => ({ user, item, text: `review ${user}/${item}/${t}`, ...(t % 2 ? { query: `q ${user} ${item}` } : {}) }))),
    source: { generator: 'randomContext', seed },
  };
  const code = (p: string, n: number) => Array.from({ length: n }, (_, i) => [`<${p}a_${i % 8}>`, `<${p}b_${Math.floor(i / 8)}>`]);
  return { corpus, split: leaveOneOut(corpus), index: { item: entity('item', code('', numItems)), user: entity('user', code('u_', numUsers)) }, rng: new Rng(seed), part: 'train' };
}
