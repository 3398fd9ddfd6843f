import { taskContract } from '@ed2/core/testing';
import { describe, expect, it } from 'vitest';
import { I, tinyContext, tinyCorpus } from './__fixtures__/tiny-corpus';
import { IndexItemTask } from './index-item-task';
import { ItemIndexTask } from './item-index-task';

const TEXT = [
  'Nylon Guitar Strings. Soft strings for classical guitar.',
  'Clip-On Tuner. Chromatic tuner with a bright display.',
  'Leather Strap.',
  'Steel Capo. Quick-release capo.',
  'Bass Strings. Long-scale nickel set.',
];

describe('item-index / index-item alignment tasks', () => {
  it('item-index: title + description → index, one per item with text', () => {
    const s = new ItemIndexTask({ templates: ['item-index-2'] }).samples(tinyContext());
    expect(s.map(({ prompt, response, item }) => ({ prompt, response, item }))).toEqual(
      TEXT.map((t, i) => ({ prompt: `Give the index of the item with this description: ${t}`, response: I[i], item: i })),
    );
    expect(s.every((x) => x.user === undefined && x.task === 'item-index')).toBe(true);
  });

  it('index-item: index → text; fields and maxWords shape the text', () => {
    const s = new IndexItemTask({ templates: ['index-item-1'] }).samples(tinyContext());
    expect(s.map(({ prompt, response }) => ({ prompt, response }))).toEqual(TEXT.map((t, i) => ({ prompt: `Describe item ${I[i]}.`, response: t })));
    const brand = new IndexItemTask({ templates: ['index-item-1'], fields: ['brand', 'title'], maxWords: 3 }).samples(tinyContext());
    expect(brand.slice(0, 2).map((x) => x.response)).toEqual(['Aria. Nylon Guitar …', 'Tono. Clip-On Tuner.']);
    expect(new IndexItemTask({ samplesPerItem: 3 }).samples(tinyContext())).toHaveLength(15);
  });

  it('refuses a corpus without item text; no valid/test samples', () => {
    const bare = { ...tinyCorpus, items: tinyCorpus.items.map(({ id, key }) => ({ id, key })) };
    for (const t of [new ItemIndexTask(), new IndexItemTask()]) {
      const req = t.requires(bare);
      expect(req.ok).toBe(false);
      expect(!req.ok && req.reason).toBe('corpus "tiny" has no item title/description text');
      expect(t.samples(tinyContext('test'))).toEqual([]);
    }
  });
});

taskContract('item-index', () => new ItemIndexTask());
taskContract('index-item', () => new IndexItemTask());
