import { describe, expect, it } from 'vitest';
import { leaveOneOut } from '../data/leave-one-out';
import type { Corpus, ItemRecord, Review } from '../domain/corpus';
import { indexText, type DualIndex, type EntityIndex } from '../domain/entity-index';
import type { InstructionSample, InstructionTask, SamplePart, TaskContext } from '../domain/instruction-task';
import { Rng } from '../random/rng';

const PARTS: readonly SamplePart[] = ['train', 'valid', 'test'];
const TITLES = ['Nickel Guitar Strings', 'Brass Capo', 'Tuner Clip', 'Guitar Strap', 'Bass Strings', 'Drum Sticks', 'Piano Bench', 'Violin Rosin'];
const CATEGORIES = [['Instruments', 'Strings'], ['Instruments', 'Accessories'], ['Instruments', 'Electronics'], ['Instruments', 'Accessories']];

/** Two-level codes for `n` entities: `<{prefix}a_i><{prefix}b_j>` (unique for n ≤ 16). */
export function tinyEntityIndex(kind: 'item' | 'user', n: number): EntityIndex {
  const p = kind === 'user' ? 'u_' : '';
  const tokens = Array.from({ length: n }, (_, i) => [`<${p}a_${i % 4}>`, `<${p}b_${Math.floor(i / 4)}>`]);
  const vocabulary = [...new Set(tokens.flat())];
  return { kind, tokens, vocabulary };
}

/**
 * A hand-made corpus for task tests: 5 users, 8 items with title/description/brand/categories,
 * reviews on most interactions (some with a search query), a profile for user 0, and a dual index.
 * `text: false` drops all item text, reviews and profiles (a corpus like amazon-instruments).
 */
export function tinyTaskContext(options: { seed?: number; text?: boolean; userIndex?: boolean; part?: SamplePart } = {}): TaskContext {
  const { seed = 7, text = true, userIndex = true, part = 'train' } = options;
  const sequences = [
    [0, 1, 2, 3, 4],
    [1, 2, 0, 5],
    [2, 3, 4, 6, 7, 1],
    [0, 2, 5, 6],
    [3, 1, 0, 7, 2],
  ];
  const items: ItemRecord[] = TITLES.map((title, id) =>
    text ? { id, key: `I${id}`, title, description: `A ${title.toLowerCase()} for daily practice.`, brand: `Brand${id % 3}`, categories: CATEGORIES[id % 4] } : { id, key: `I${id}` },
  );
  const reviews: Review[] = [];
  sequences.forEach((seq, user) =>
    seq.forEach((item, t) => {
      if ((user + t) % 3 === 2) return;
      reviews.push({ user, item, text: `User ${user} liked item ${item} a lot.`, ...(t % 2 === 0 ? { query: `query ${user}-${item}` } : {}) });
    }),
  );
  const corpus: Corpus = {
    name: text ? 'tiny-tasks' : 'tiny-tasks-no-text',
    items,
    users: sequences.map((_, id) => ({ id, key: `U${id}`, ...(text && id === 0 ? { profile: 'Plays folk guitar on weekends.' } : {}) })),
    sequences,
    ...(text ? { reviews } : {}),
    source: { generator: 'tinyTaskContext' },
  };
  const index: DualIndex = userIndex
    ? { item: tinyEntityIndex('item', items.length), user: tinyEntityIndex('user', sequences.length) }
    : { item: tinyEntityIndex('item', items.length) };
  return { corpus, split: leaveOneOut(corpus), index, rng: new Rng(seed), part };
}

/** Problems with one sample's shape (empty when fine). */
export function sampleProblems(task: InstructionTask, s: InstructionSample, ctx: TaskContext): string[] {
  const p: string[] = [];
  const at = `${task.name} sample (${s?.template})`;
  if (s.task !== task.name) p.push(`${at}: task is "${s.task}", expected "${task.name}"`);
  if (!task.templates.includes(s.template)) p.push(`${at}: template "${s.template}" is not in task.templates`);
  if (s.split !== ctx.part) p.push(`${at}: split is "${s.split}", expected "${ctx.part}"`);
  for (const f of ['prompt', 'response'] as const) {
    if (typeof s[f] !== 'string' || s[f].trim() === '') p.push(`${at}: empty ${f}`);
    else if (/\{[a-zA-Z]+\}/.test(s[f])) p.push(`${at}: unfilled placeholder in ${f}: ${s[f]}`);
  }
  if (s.user !== undefined && !(Number.isInteger(s.user) && s.user >= 0 && s.user < ctx.corpus.users.length)) p.push(`${at}: bad user ${s.user}`);
  if (s.item !== undefined && !(Number.isInteger(s.item) && s.item >= 0 && s.item < ctx.corpus.items.length)) p.push(`${at}: bad item ${s.item}`);
  return p;
}

/**
 * Leakage problems of training samples: an item paired with a user it was not a training
 * interaction of, or a user's held-out (valid/test) item named in a sample about that user.
 */
export function leakageProblems(samples: readonly InstructionSample[], ctx: TaskContext): string[] {
  const { split, index } = ctx;
  const train = split.train.map((s) => new Set(s));
  const heldOut = new Map<number, number[]>();
  for (const c of [...split.valid, ...split.test]) if (!train[c.user]?.has(c.target)) heldOut.set(c.user, [...(heldOut.get(c.user) ?? []), c.target]);
  const userTexts = index.user ? index.user.tokens.map((_, u) => indexText(index.user!, u)) : [];
  const p: string[] = [];
  for (const s of samples) {
    const text = `${s.prompt}\n${s.response}`;
    if (s.item !== undefined) {
      const users = new Set<number>(s.user !== undefined ? [s.user] : []);
      userTexts.forEach((t, u) => text.includes(t) && users.add(u));
      for (const u of users) if (!train[u]?.has(s.item)) p.push(`${s.task}/${s.template}: item ${s.item} paired with user ${u}, who has it only in valid/test (or not at all)`);
    }
    if (s.user !== undefined) {
      for (const h of heldOut.get(s.user) ?? []) if (text.includes(indexText(index.item, h))) p.push(`${s.task}/${s.template}: held-out item ${h} of user ${s.user} appears in a training sample`);
    }
  }
  return p;
}

function collect(task: InstructionTask, ctx: TaskContext): InstructionSample[] {
  return [...task.samples(ctx)];
}

/**
 * Declares the vitest suite every instruction-task plugin must pass. `make` builds a fresh task
 * (called several times). The fixture is `tinyTaskContext()` unless `context` is given.
 */
export function taskContract(name: string, make: () => InstructionTask, options: { context?: (o: { seed?: number; userIndex?: boolean; part?: SamplePart }) => TaskContext } = {}): void {
  const context = options.context ?? ((o) => tinyTaskContext(o));
  describe(`task contract: ${name}`, () => {
    it('has a kebab-case name and at least 3 distinct template ids', () => {
      const task = make();
      expect(task.name).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
      expect(new Set(task.templates).size).toBe(task.templates.length);
      expect(task.templates.length).toBeGreaterThanOrEqual(3);
    });

    it('accepts the fixture corpus and makes well-formed samples for every part', () => {
      const task = make();
      const base = context({});
      expect(task.requires(base.corpus, base.index)).toEqual(expect.objectContaining({ ok: true }));
      for (const part of PARTS) {
        const ctx = context({ part });
        const samples = collect(task, ctx);
        if (part === 'train') expect(samples.length).toBeGreaterThan(0);
        expect(samples.flatMap((s) => sampleProblems(task, s, ctx))).toEqual([]);
      }
    });

    it('training samples use training interactions only (no valid/test leakage)', () => {
      const ctx = context({});
      expect(leakageProblems(collect(make(), ctx), ctx)).toEqual([]);
    });

    it('the same seed gives the same samples; the corpus and split are not modified', () => {
      const a = context({ seed: 3 });
      const before = JSON.stringify([a.corpus, a.split]);
      const first = PARTS.flatMap((part) => collect(make(), { ...a, part, rng: new Rng(3) }));
      const second = PARTS.flatMap((part) => collect(make(), { ...context({ seed: 3 }), part }));
      expect(second).toEqual(first);
      expect(JSON.stringify([a.corpus, a.split])).toBe(before);
    });

    it('item-only index: either refuses with a reason or writes no user tokens', () => {
      const task = make();
      const ctx = context({ userIndex: false });
      const req = task.requires(ctx.corpus, ctx.index);
      if (!req.ok) {
        expect(req.reason.length).toBeGreaterThan(0);
        return;
      }
      const userVocab = tinyEntityIndex('user', ctx.corpus.users.length).vocabulary;
      const samples = PARTS.flatMap((part) => collect(task, { ...ctx, part }));
      expect(samples.length).toBeGreaterThan(0);
      for (const s of samples) for (const tok of userVocab) expect(`${s.prompt} ${s.response}`).not.toContain(tok);
    });

    it('a corpus without text: refuses with a reason, or still makes well-formed samples', () => {
      const task = make();
      const ctx = tinyTaskContext({ text: false });
      const req = task.requires(ctx.corpus, ctx.index);
      if (!req.ok) {
        expect(typeof req.reason).toBe('string');
        expect(req.reason.length).toBeGreaterThan(0);
        return;
      }
      const samples = collect(task, ctx);
      expect(samples.flatMap((s) => sampleProblems(task, s, ctx))).toEqual([]);
    });
  });
}
