import { taskContract } from '@ed2/core/testing';
import { describe, expect, it } from 'vitest';
import { I, U, tinyContext, tinyCorpus } from './__fixtures__/tiny-corpus';
import { ProfileTask } from './profile-task';

const row = (user: number, history: number[], profile: string, source: string) => ({
  prompt: `User ${U[user]} has bought ${history.map((i) => I[i]).join(', ')}. Describe the preferences of this user.`,
  response: profile,
  user,
  source,
});

describe('profile task', () => {
  const pick = (task: ProfileTask, ...args: Parameters<typeof tinyContext>) =>
    task.samples(tinyContext(...args)).map((s) => ({ prompt: s.prompt, response: s.response, user: s.user, source: s.meta?.summarySource }));

  it('summary from the profile, else the training reviews (held-out reviews never), else the history', () => {
    expect(pick(new ProfileTask({ templates: ['profile-1'], maxHistory: 2 }))).toEqual([
      row(0, [2, 4], 'Warm tone, easy on the fingers. Accurate and bright.', 'reviews'),
      row(1, [1, 0], 'Jazz bassist.', 'profile'),
      row(2, [4, 0], 'Deep sound.', 'reviews'),
      row(3, [5, 3], 'No label on it.', 'reviews'),
    ]);
  });

  it('history summary: leaf categories by frequency (ties: most recent first) and the latest titles', () => {
    expect(pick(new ProfileTask({ templates: ['profile-1'], maxHistory: 2, sources: ['history'] }))).toEqual([
      row(0, [2, 4], 'Mostly interested in Strings, Straps, Tuners. Recently bought: Bass Strings; Leather Strap; Clip-On Tuner.', 'history'),
      row(1, [1, 0], 'Mostly interested in Strings, Tuners. Recently bought: Nylon Guitar Strings; Clip-On Tuner.', 'history'),
      row(2, [4, 0], 'Mostly interested in Strings, Straps. Recently bought: Nylon Guitar Strings; Bass Strings; Leather Strap.', 'history'),
      row(3, [5, 3], 'Mostly interested in Capos. Recently bought: Steel Capo.', 'history'),
    ]);
  });

  it('topK and maxWords bound the summary; item-only prompts have no user token', () => {
    const [s] = new ProfileTask({ templates: ['profile-3'], sources: ['history'], topK: 1, maxWords: 6 }).samples(tinyContext('train', { itemOnly: true }));
    expect(s.prompt).toBe(`From the purchase history ${[0, 1, 2, 4].map((i) => I[i]).join(', ')}, write a short preference profile of this user.`);
    expect(s.response).toBe('Mostly interested in Strings. Recently bought: …');
  });

  it('refuses a corpus without profiles, reviews, titles or categories', () => {
    const bare = { ...tinyCorpus, reviews: undefined, users: tinyCorpus.users.map(({ id, key }) => ({ id, key })), items: tinyCorpus.items.map(({ id, key }) => ({ id, key })) };
    const req = new ProfileTask().requires(bare);
    expect(req.ok).toBe(false);
    expect(!req.ok && req.reason).toMatch(/no user text/);
    expect(new ProfileTask({ sources: ['profile'] }).requires({ ...tinyCorpus, users: bare.users }).ok).toBe(false);
    expect(new ProfileTask().samples(tinyContext('valid'))).toEqual([]);
  });
});

taskContract('profile', () => new ProfileTask());
