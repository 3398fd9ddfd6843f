import { beforeAll, describe, expect, it } from 'vitest';
import type { Corpus } from '../domain/corpus';
import type { DatasetLoader } from '../domain/dataset-loader';
import { leaveOneOut } from '../data/leave-one-out';

/** Problems with a corpus' ids, sequences, timestamps and reviews (empty when fine). At most `max` are listed. */
export function corpusProblems(corpus: Corpus, max = 10): string[] {
  const out: string[] = [];
  const add = (p: string) => out.length < max && out.push(p);
  const nI = corpus.items.length;
  const nU = corpus.users.length;
  if (typeof corpus.name !== 'string' || corpus.name === '') add('name must be a non-empty string');
  if (typeof corpus.source !== 'object' || corpus.source === null) add('source must be an object');
  corpus.items.forEach((it, i) => it.id !== i && add(`items[${i}].id is ${it.id}, expected ${i} (dense ids)`));
  corpus.users.forEach((u, i) => u.id !== i && add(`users[${i}].id is ${u.id}, expected ${i} (dense ids)`));
  if (new Set(corpus.items.map((i) => i.key)).size !== nI) add('item keys are not unique');
  if (new Set(corpus.users.map((u) => u.key)).size !== nU) add('user keys are not unique');
  if (corpus.sequences.length !== nU) add(`${corpus.sequences.length} sequences for ${nU} users`);
  corpus.sequences.forEach((s, u) => {
    if (s.length === 0) add(`user ${u} has an empty sequence`);
    for (const i of s) if (!Number.isInteger(i) || i < 0 || i >= nI) add(`user ${u}: item id ${i} out of range [0, ${nI})`);
  });
  if (corpus.timestamps) {
    if (corpus.timestamps.length !== nU) add(`${corpus.timestamps.length} timestamp rows for ${nU} users`);
    corpus.timestamps.forEach((t, u) => {
      if (t.length !== corpus.sequences[u]?.length) add(`user ${u}: ${t.length} timestamps for ${corpus.sequences[u]?.length} items`);
      t.forEach((x, k) => {
        if (!Number.isFinite(x)) add(`user ${u}: timestamp ${k} is not finite`);
        else if (k > 0 && x < t[k - 1]!) add(`user ${u}: timestamps decrease at position ${k}`);
      });
    });
  }
  for (const r of corpus.reviews ?? []) {
    if (!Number.isInteger(r.user) || r.user < 0 || r.user >= nU) add(`review user ${r.user} out of range`);
    if (!Number.isInteger(r.item) || r.item < 0 || r.item >= nI) add(`review item ${r.item} out of range`);
    if (typeof r.text !== 'string') add(`review (${r.user}, ${r.item}) has no text`);
    if (r.time !== undefined && !Number.isFinite(r.time)) add(`review (${r.user}, ${r.item}) time is not finite`);
  }
  return out;
}

export interface DatasetContractOptions {
  /** Expected sizes, checked when given. */
  readonly expect?: { users?: number; items?: number; interactions?: number };
}

/**
 * Declares the vitest suite every dataset plugin must pass: dense ids in range, no empty
 * sequences, aligned non-decreasing timestamps, reviews on valid ids, deterministic loading
 * (two loads deep-equal), and a working leave-one-out split.
 */
export function datasetContract(name: string, makeLoader: () => DatasetLoader | Promise<DatasetLoader>, options: DatasetContractOptions = {}): void {
  describe(`dataset contract: ${name}`, () => {
    let corpus: Corpus;
    beforeAll(async () => {
      corpus = await (await makeLoader()).load();
    });

    it('has dense ids in range, unique keys, no empty sequences, aligned timestamps, valid reviews', () => {
      expect(corpus.items.length).toBeGreaterThan(0);
      expect(corpus.users.length).toBeGreaterThan(0);
      expect(corpusProblems(corpus)).toEqual([]);
    });

    if (options.expect) {
      it('has the expected size', () => {
        const e = options.expect!;
        if (e.users !== undefined) expect(corpus.users.length).toBe(e.users);
        if (e.items !== undefined) expect(corpus.items.length).toBe(e.items);
        if (e.interactions !== undefined) expect(corpus.sequences.reduce((s, q) => s + q.length, 0)).toBe(e.interactions);
      });
    }

    it('loads the same corpus twice', async () => {
      const again = await (await makeLoader()).load();
      expect(again).toEqual(corpus);
    });

    it('splits with leaveOneOut: train + valid + test targets give back each sequence', () => {
      const split = leaveOneOut(corpus);
      expect(split.numItems).toBe(corpus.items.length);
      expect(split.train.length).toBe(corpus.users.length);
      expect(split.valid.length).toBe(split.test.length);
      const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);
      const bad: number[] = [];
      for (let k = 0; k < split.test.length; k++) {
        const v = split.valid[k]!;
        const t = split.test[k]!;
        const ok = v.user === t.user && same([...split.train[t.user]!, v.target, t.target], corpus.sequences[t.user]!) && same(t.history, [...v.history, v.target]);
        if (!ok && bad.length < 5) bad.push(t.user);
      }
      expect(bad).toEqual([]);
      const long = corpus.sequences.filter((s) => s.length >= 3).length;
      expect(split.test.length).toBe(long);
    });
  });
}
