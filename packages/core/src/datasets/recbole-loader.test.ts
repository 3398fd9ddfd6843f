import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Corpus } from '../domain/corpus';
import { leaveOneOut } from '../data/leave-one-out';
import { datasetContract } from '../testing/dataset-contract';
import { detectRecbole, recboleConfigSchema, RecboleLoader } from './recbole-loader';

const DATA = resolve(__dirname, '../../../../../shared/datasets');
const ML = join(DATA, 'ml-100k');
const SCI = join(DATA, 'amazon-scientific');
const loader = (path: string, extra: Record<string, unknown> = {}) => new RecboleLoader(recboleConfigSchema.parse({ path, ...extra }));

datasetContract('recbole (ml-100k, per-interaction)', () => loader(ML), { expect: { users: 943, items: 1682, interactions: 100000 } });
// 8,442 users / 4,385 items; 59,427 interactions rebuilt (34,101 train prefixes + one first item, valid and test target per user).
datasetContract('recbole (amazon-scientific, pre-split)', () => loader(SCI), { expect: { users: 8442, items: 4385, interactions: 59427 } });

describe('recbole per-interaction form (ml-100k)', () => {
  let c: Corpus;
  beforeAll(async () => {
    c = await loader(join(ML, 'ml-100k.inter')).load();
  });
  it('sorts each user by timestamp, ties in file order', () => {
    const rows = readFileSync(join(ML, 'ml-100k.inter'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
    const user = c.users.findIndex((u) => u.key === '196');
    const expected = rows
      .map((r, k) => ({ item: r[1]!, t: Number(r[3]), k }))
      .filter((_, k) => rows[k]![0] === '196')
      .sort((a, b) => a.t - b.t || a.k - b.k)
      .map((x) => x.item);
    expect(c.sequences[user]!.map((i) => c.items[i]!.key)).toEqual(expected);
    expect(c.timestamps![user]!.length).toBe(expected.length);
  });
  it('reads item text and user attributes', () => {
    const toy = c.items.find((i) => i.key === '1')!;
    expect(toy).toMatchObject({ id: 0, title: 'Toy Story', categories: ['Animation', "Children's", 'Comedy'], extra: { release_year: '1995' } });
    expect(c.users.find((u) => u.key === '1')!.attributes).toEqual({ age: '24', gender: 'M', occupation: 'technician', zip_code: '85711' });
    expect(c.source).toMatchObject({ form: 'interactions', prefix: 'ml-100k' });
  });
  it('applies k-core and minSequenceLength', async () => {
    const k = await loader(ML, { kCore: 20, minSequenceLength: 30 }).load();
    expect(k.users.length).toBeLessThan(943);
    expect(Math.min(...k.sequences.map((s) => s.length))).toBeGreaterThanOrEqual(30);
    expect(k.source).toMatchObject({ kCore: 20, minSequenceLength: 30 });
  });
});

describe('recbole pre-split form (amazon-scientific)', () => {
  let c: Corpus;
  beforeAll(async () => {
    c = await loader(SCI).load();
  });
  const cases = (file: string) =>
    readFileSync(join(SCI, file), 'utf8').trim().split('\n').slice(1).map((l) => {
      const [u, h, t] = l.split('\t');
      return { user: Number(u), history: h!.split(' ').map(Number), target: Number(t) };
    });
  it('leaveOneOut reproduces the files own valid and test cases (histories truncated to 50 in the files)', () => {
    expect(c.source.maxHistoryLength).toBe(50);
    const split = leaveOneOut(c);
    for (const [file, got] of [['Scientific.valid.inter', split.valid], ['Scientific.test.inter', split.test]] as const) {
      const want = cases(file);
      expect(got.length).toBe(want.length);
      const byUser = new Map(got.map((g) => [g.user, g]));
      let mismatches = 0;
      for (const w of want) {
        const g = byUser.get(w.user)!;
        if (g.target !== w.target || g.history.slice(-50).join(' ') !== w.history.join(' ')) mismatches++;
      }
      expect(mismatches).toBe(0);
    }
    expect(c.sequences.filter((s) => s.length > 52).length).toBe(3); // the three users whose file histories are truncated
  });
  it('every training prefix of the train file is a prefix of the rebuilt sequence', () => {
    let bad = 0;
    for (const r of cases('Scientific.train.inter')) {
      const seq = c.sequences[r.user]!;
      const pos = seq.findIndex((_, k) => k >= r.history.length && seq[k] === r.target && seq.slice(0, k).slice(-50).join(' ') === r.history.join(' '));
      if (pos < 0) bad++;
    }
    expect(bad).toBe(0);
  });
  it('keys come from item2index / user2index and text from .text', () => {
    expect(c.items[0]!.key).toBe('B00TNNWMXI');
    expect(c.users[0]!.key).toBe('ABW8NXS7SV55K');
    expect(c.items.filter((i) => i.title).length).toBe(4385);
    const porter = c.items.find((i) => i.key === 'B0000223SI')!;
    expect(porter.title).toContain('PORTER-CABLE 740000801');
  });
  it('detects both forms from the folder or a file', async () => {
    expect(await detectRecbole(SCI)).toBe(true);
    expect(await detectRecbole(join(SCI, 'Scientific.test.inter'))).toBe(true);
    expect(await detectRecbole(ML)).toBe(true);
    expect(await detectRecbole(join(DATA, 'amazon-instruments'))).toBe(false);
  });
});
