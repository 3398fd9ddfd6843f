import { EventBus, PluginRegistry, Rng, type InstructionTask, type LogEvent } from '@ed2/core';
import { leakageProblems, manifestContract, sampleProblems } from '@ed2/core/testing';
import { container } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { randomContext, tinyContext, tinyCorpus } from './__fixtures__/tiny-corpus';
import { buildInstructionSamples, countSamples } from './build-instruction-samples';
import manifest from './plugin';
import { createTasks, resolveTasks } from './resolve-tasks';

const registry = () => {
  const r = new PluginRegistry();
  r.register(manifest);
  return r;
};
const ALL = ['co-purchase', 'comment-query', 'index-item', 'item-index', 'profile', 'sequential'];
const allTasks = () => createTasks(resolveTasks('all', registry()), registry(), container.createChildContainer());

function build(tasks: InstructionTask[], ctx = tinyContext(), events = new EventBus()) {
  const logs: LogEvent[] = [];
  events.on((e) => e.type === 'log' && logs.push(e));
  return { samples: buildInstructionSamples(tasks, { ...ctx, events }), logs };
}

describe('resolveTasks / createTasks', () => {
  it('"all" selects every registered task; a list is checked against the registry', () => {
    expect(resolveTasks('all', registry())).toEqual(ALL);
    expect(resolveTasks(' sequential, profile,sequential ', registry())).toEqual(['sequential', 'profile']);
    expect(() => resolveTasks('sequential,co-purchse', registry())).toThrow(/Unknown task "co-purchse".*Known tasks: co-purchase, comment-query.*Did you mean "co-purchase"/);
    expect(() => resolveTasks(' , ', registry())).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
  });

  it('creates configured tasks through the registry and rejects bad configs', async () => {
    const [seq] = await createTasks(['sequential'], registry(), container.createChildContainer(), { sequential: { templates: ['sequential-2'] } });
    expect([...seq.samples(tinyContext())].every((s) => s.template === 'sequential-2')).toBe(true);
    await expect(createTasks(['profile'], registry(), container.createChildContainer(), { profile: { maxHistroy: 3 } })).rejects.toThrow(/maxHistroy/);
  });
});

describe('buildInstructionSamples', () => {
  it('runs every task on a full corpus, with no warning and no leakage', async () => {
    const { samples, logs } = build(await allTasks());
    expect(logs.filter((l) => l.level === 'warn')).toEqual([]);
    expect(Object.keys(countSamples(samples)).sort()).toEqual(ALL);
    expect(leakageProblems(samples, tinyContext())).toEqual([]);
    const ctx = randomContext(9);
    expect(leakageProblems(build(await allTasks(), ctx).samples, ctx)).toEqual([]);
  });

  it('skips a task that lacks its data with ONE warning naming the task and the missing data', async () => {
    const bare = { ...tinyCorpus, reviews: undefined, users: tinyCorpus.users.map(({ id, key }) => ({ id, key })), items: tinyCorpus.items.map(({ id, key }) => ({ id, key })) };
    const { samples, logs } = build(await allTasks(), tinyContext('train', { corpus: bare }));
    const warns = logs.filter((l) => l.level === 'warn');
    expect(warns.map((w) => w.data?.task)).toEqual(['comment-query', 'index-item', 'item-index', 'profile']);
    expect(warns[0].message).toMatch(/^task "comment-query" skipped: corpus "tiny": comment needs review text/);
    expect(Object.keys(countSamples(samples))).toEqual(['co-purchase', 'sequential']);
  });

  it('reports a partial task as info, and an item-only model skips co-purchase', async () => {
    const { logs } = build(await allTasks(), tinyContext('train', { corpus: { ...tinyCorpus, reviews: undefined }, itemOnly: true }));
    expect(logs.filter((l) => l.level === 'warn').map((l) => l.data?.task)).toEqual(['co-purchase']);
    expect(logs.filter((l) => l.level === 'info').map((l) => l.message)).toEqual([expect.stringMatching(/^task "comment-query": only query samples/)]);
  });

  it('is deterministic per seed, and one task\'s samples do not depend on the others', async () => {
    const tasks = await allTasks();
    const a = build(tasks, tinyContext('train', { seed: 21 })).samples;
    expect(build(tasks, tinyContext('train', { seed: 21 })).samples).toEqual(a);
    expect(build(tasks, tinyContext('train', { seed: 22 })).samples).not.toEqual(a);
    const alone = build([tasks[5]], { ...tinyContext('train'), rng: new Rng(21) }).samples;
    expect(alone).toEqual(a.filter((s) => s.task === 'sequential'));
  });

  it('reports progress per task and stops with E_ABORTED when the signal is aborted', async () => {
    const tasks = await allTasks();
    const events = new EventBus();
    const ticks: string[] = [];
    events.on((e) => e.type === 'progress' && ticks.push(`${e.current}/${e.total}${e.done ? ' done' : ''}`));
    build(tasks, tinyContext(), events);
    expect(ticks).toEqual(['0/6', '1/6', '2/6', '3/6', '4/6', '5/6', '6/6', '6/6 done']);
    const ac = new AbortController();
    ac.abort();
    expect(() => buildInstructionSamples(tasks, { ...tinyContext(), events, signal: ac.signal })).toThrow(expect.objectContaining({ code: 'E_ABORTED' }));
  });

  it('valid/test parts hold only sequential samples, one per held-out case', async () => {
    for (const part of ['valid', 'test'] as const) {
      const counts = countSamples(build(await allTasks(), tinyContext(part)).samples);
      expect(Object.keys(counts)).toEqual(['sequential']);
      expect(counts.sequential.total).toBe(3);
    }
  });
});

manifestContract(manifest);

describe('task contract checks catch broken tasks', () => {
  const base = { name: 'leaky', templates: ['t1', 't2', 't3'], requires: () => ({ ok: true as const }) };
  it('leakageProblems flags a held-out target as a training response, and a non-training pairing', () => {
    const ctx = tinyContext();
    // u0's validation item is 3 (I[3]); pairing u2 with item 1 uses u2's test interaction
    const leaky = [
      { task: 'leaky', template: 't1', prompt: 'next for u0?', response: '<a_3><b_1>', split: 'train' as const, user: 0 },
      { task: 'leaky', template: 't1', prompt: 'p', response: 'r', split: 'train' as const, user: 2, item: 1 },
    ];
    expect(leakageProblems(leaky, ctx)).toEqual([
      'leaky/t1: held-out item 3 of user 0 appears in a training sample',
      'leaky/t1: item 1 paired with user 2, who has it only in valid/test (or not at all)',
    ]);
  });

  it('sampleProblems flags unfilled placeholders, wrong split and unknown templates', () => {
    const task = { ...base, samples: () => [] };
    const ctx = tinyContext('valid');
    expect(sampleProblems(task, { task: 'leaky', template: 't9', prompt: 'hi {user}', response: 'x', split: 'train' }, ctx)).toEqual([
      'leaky sample (t9): template "t9" is not in task.templates',
      'leaky sample (t9): split is "train", expected "valid"',
      'leaky sample (t9): unfilled placeholder in prompt: hi {user}',
    ]);
  });
});
