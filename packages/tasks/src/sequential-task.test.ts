import { taskContract } from '@ed2/core/testing';
import { describe, expect, it } from 'vitest';
import { I, U, tinyContext } from './__fixtures__/tiny-corpus';
import { SequentialTask } from './sequential-task';

const p = (history: number[], user: number) => `Given the interaction sequence ${history.map((i) => I[i]).join(', ')}, recommend the next item for user ${U[user]}.`;
const row = (user: number, history: number[], target: number) => ({ user, item: target, prompt: p(history, user), response: I[target] });

describe('sequential task', () => {
  const task = new SequentialTask({ templates: ['sequential-3'], maxHistory: 2 });
  const pick = (s: ReturnType<typeof task.samples>) => s.map(({ user, item, prompt, response }) => ({ user, item, prompt, response }));

  it('makes one training sample per training prefix, history capped to the most recent items', () => {
    const samples = task.samples(tinyContext('train'));
    expect(pick(samples)).toEqual([
      row(0, [0], 1),
      row(0, [0, 1], 2),
      row(0, [1, 2], 4),
      row(1, [1], 0),
      row(2, [2], 4),
      row(2, [2, 4], 0),
      row(3, [5], 3),
    ]);
    expect(samples.every((s) => s.task === 'sequential' && s.template === 'sequential-3' && s.split === 'train')).toBe(true);
    expect(samples.map((s) => s.meta?.historyLength)).toEqual([1, 2, 2, 1, 1, 2, 1]);
  });

  it('builds validation and test prompts from the held-out items', () => {
    expect(pick(task.samples(tinyContext('valid')))).toEqual([row(0, [2, 4], 3), row(1, [1, 0], 4), row(2, [4, 0], 5)]);
    expect(pick(task.samples(tinyContext('test')))).toEqual([row(0, [4, 3], 5), row(1, [0, 4], 2), row(2, [0, 5], 1)]);
  });

  it('evalTemplates "all": every valid/test case once per configured template, training unchanged', () => {
    const t = new SequentialTask({ templates: ['sequential-1', 'sequential-3'], evalTemplates: 'all' });
    const valid = t.samples(tinyContext('valid'));
    expect(valid.map((s) => [s.user, s.template])).toEqual([0, 1, 2].flatMap((u) => [[u, 'sequential-1'], [u, 'sequential-3']]));
    expect(valid[1].prompt).toBe(`Given the interaction sequence ${I[0]}, ${I[1]}, ${I[2]}, ${I[4]}, recommend the next item for user ${U[0]}.`);
    expect(t.samples(tinyContext('train'))).toHaveLength(7);
  });

  it('writes no user token for item-only models', () => {
    const [first] = task.samples(tinyContext('train', { itemOnly: true }));
    expect(first.prompt).toBe(`Given the interaction sequence ${I[0]}, recommend the next item for this user.`);
    expect(first.response).toBe(I[1]);
  });

  it('the default history cap is 20, most recent last', () => {
    const long = Array.from({ length: 26 }, (_, i) => i % 6);
    const ctx = tinyContext('test', { corpus: { ...tinyContext().corpus, sequences: [long] } });
    const [s] = new SequentialTask({ templates: ['sequential-1'] }).samples(ctx);
    expect(s.meta?.historyLength).toBe(20);
    expect(s.prompt).toContain(`oldest first: ${long.slice(5, 25).map((i) => I[i]).join(', ')}.`);
    expect(s.response).toBe(I[long[25]]);
  });

  it('no valid/test target of a user is ever a training response for that user', () => {
    const ctx = tinyContext('train');
    const train = new SequentialTask().samples(ctx);
    for (const c of [...ctx.split.valid, ...ctx.split.test]) {
      if (ctx.split.train[c.user].includes(c.target)) continue;
      expect(train.filter((s) => s.user === c.user).map((s) => s.response)).not.toContain(I[c.target]);
    }
  });

  it('chooses templates with the seeded rng: same seed, same choice; all templates get used', () => {
    const all = new SequentialTask();
    const a = all.samples(tinyContext('train', { seed: 5 }));
    const b = all.samples(tinyContext('train', { seed: 5 }));
    expect(b).toEqual(a);
    const many = [1, 2, 3, 4, 5, 6, 7, 8].flatMap((seed) => all.samples(tinyContext('train', { seed })).map((s) => s.template));
    expect(new Set(many)).toEqual(new Set(all.templates));
  });

  it('rejects unknown template ids with the known ones', () => {
    expect(() => new SequentialTask({ templates: ['sequential-9'] })).toThrow(/unknown template.*"sequential-9".*Known: sequential-1, sequential-2/);
    expect(() => new SequentialTask({ templates: ['nope'] })).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
  });
});

taskContract('sequential', () => new SequentialTask());
