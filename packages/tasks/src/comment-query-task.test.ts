import { Rng } from '@ed2/core';
import { taskContract } from '@ed2/core/testing';
import { describe, expect, it } from 'vitest';
import { I, U, randomContext, tinyContext, tinyCorpus } from './__fixtures__/tiny-corpus';
import { CommentQueryTask } from './comment-query-task';
import { deriveQuery } from './derive-query';

const comment = (user: number, item: number, text: string) => ({ prompt: `What would user ${U[user]} say about item ${I[item]} after using it?`, response: text, user, item, meta: { kind: 'comment' } });
const query = (user: number, item: number, q: string, fields?: string) => ({
  prompt: `User ${U[user]} searches for "${q}". Which item should be recommended?`,
  response: I[item],
  user,
  item,
  meta: fields ? { kind: 'query', querySource: 'item', queryFields: fields } : { kind: 'query', querySource: 'review' },
});

describe('comment-query task', () => {
  const task = new CommentQueryTask({ templates: ['comment-2', 'query-1'], queriesPerUser: 10 });

  it('comments from training reviews; queries from the review, else from the item traits', () => {
    const got = task.samples(tinyContext('train')).map(({ prompt, response, user, item, meta }) => ({ prompt, response, user, item, meta }));
    expect(got).toEqual([
      comment(0, 0, 'Warm tone, easy on the fingers.'),
      comment(0, 1, 'Accurate and bright.'),
      query(0, 0, 'soft classical strings'),
      query(0, 1, 'tuners clip tuner tono', 'category+title+brand'),
      query(0, 2, 'straps leather strap aria', 'category+title+brand'),
      query(0, 4, 'strings bass tono', 'category+title+brand'),
      comment(1, 1, 'Works fine.'),
      query(1, 1, 'tuners clip tuner tono', 'category+title+brand'),
      query(1, 0, 'strings nylon guitar aria', 'category+title+brand'),
      comment(2, 4, 'Deep sound.'),
      query(2, 2, 'straps leather strap aria', 'category+title+brand'),
      query(2, 4, 'strings bass tono', 'category+title+brand'),
      query(2, 0, 'strings nylon guitar aria', 'category+title+brand'),
      comment(3, 5, 'No label on it.'),
      // item 5 has no traits: no query for it
      query(3, 3, 'capos steel capo', 'category+title'),
    ]);
  });

  it('never uses a review or query of a held-out (valid/test) interaction', () => {
    const all = new CommentQueryTask({ queriesPerUser: 10 }).samples(tinyContext('train'));
    const text = all.map((s) => `${s.prompt} ${s.response}`).join('\n');
    expect(text).not.toContain('Capo slips.');
    expect(text).not.toContain('Odd item.');
    for (const seed of [4, 5]) {
      const ctx = randomContext(seed);
      for (const s of new CommentQueryTask({ queriesPerUser: 3 }).samples(ctx)) expect(ctx.split.train[s.user!]).toContain(s.item);
    }
  });

  it('draws queriesPerUser training items per user (seeded) and cuts long comments', () => {
    const t = new CommentQueryTask({ kinds: ['query'], queriesPerUser: 1 });
    const a = t.samples(tinyContext('train', { seed: 3 }));
    expect(a.length).toBeGreaterThanOrEqual(3);
    expect(new Set(a.map((s) => s.user)).size).toBe(a.length);
    expect(t.samples(tinyContext('train', { seed: 3 }))).toEqual(a);
    const short = new CommentQueryTask({ kinds: ['comment'], maxCommentWords: 2, templates: ['comment-1'] }).samples(tinyContext('train'));
    expect(short[0].response).toBe('Warm tone, …');
  });

  it('derived queries: leaf category, seeded title keywords, brand', () => {
    const q = deriveQuery(tinyCorpus.items[0], 1, new Rng(1));
    expect(q?.fields).toBe('category+title+brand');
    expect(['strings nylon aria', 'strings guitar aria']).toContain(q?.query);
    expect(deriveQuery(tinyCorpus.items[5], 3, new Rng(1))).toBeUndefined();
    expect(deriveQuery({ id: 9, key: 'k', title: 'The 2 Pack of Picks' }, 5, new Rng(1))).toEqual({ query: 'picks', fields: 'title' });
  });

  it('says what is missing: no reviews → query only (with a note); no text at all → refused', () => {
    const noReviews = { ...tinyCorpus, reviews: undefined };
    const req = task.requires(noReviews);
    expect(req).toEqual({ ok: true, note: expect.stringMatching(/only query samples.*no reviews/) });
    const samples = task.samples(tinyContext('train', { corpus: noReviews }));
    expect(samples.every((s) => s.meta?.kind === 'query' && s.meta?.querySource === 'item')).toBe(true);
    const bare = { ...noReviews, items: tinyCorpus.items.map(({ id, key }) => ({ id, key })) };
    const refused = task.requires(bare);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.reason).toMatch(/comment needs review text.*query needs review queries or item titles/);
  });

  it('item-only: prompts without the user token', () => {
    const [c] = task.samples(tinyContext('train', { itemOnly: true }));
    expect(c.prompt).toBe(`What would a customer say about item ${I[0]} after using it?`);
  });

  it('template ids must cover every enabled kind', () => {
    expect(() => new CommentQueryTask({ templates: ['comment-1'] })).toThrow(/name no query template/);
    expect(new CommentQueryTask({ templates: ['comment-1'], kinds: ['comment'] }).samples(tinyContext()).every((s) => s.template === 'comment-1')).toBe(true);
    expect(() => new CommentQueryTask({ templates: ['query-7'] })).toThrow(/unknown template/);
  });
});

taskContract('comment-query', () => new CommentQueryTask());
