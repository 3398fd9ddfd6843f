import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetContract } from '../testing/dataset-contract';
import { AmazonLcrecLoader, amazonLcrecConfigSchema, detectAmazonLcrec } from './amazon-lcrec-loader';

const INSTRUMENTS = resolve(__dirname, '../../../../../shared/datasets/amazon-instruments');
const loader = (path: string, extra: Record<string, unknown> = {}) => new AmazonLcrecLoader(amazonLcrecConfigSchema.parse({ path, ...extra }));

datasetContract('amazon-lcrec (Instruments)', () => loader(INSTRUMENTS), { expect: { users: 24772, items: 9922, interactions: 206153 } });

describe('amazon-lcrec on Instruments', () => {
  it('keeps the file ids and takes keys from item2id / user2id', async () => {
    const c = await loader(INSTRUMENTS).load();
    const inter = JSON.parse(readFileSync(join(INSTRUMENTS, 'Instruments.inter.json'), 'utf8')) as Record<string, number[]>;
    expect(c.sequences[0]).toEqual(inter['0']);
    expect(c.sequences[24771]).toEqual(inter['24771']);
    const firstItem = readFileSync(join(INSTRUMENTS, 'Instruments.item2id'), 'utf8').split('\n')[0]!.split('\t');
    expect(c.items[Number(firstItem[1])]!.key).toBe(firstItem[0]);
    expect(c.users[0]!.key).toBe(readFileSync(join(INSTRUMENTS, 'Instruments.user2id'), 'utf8').split('\t')[0]);
    expect(c.name).toBe('Instruments');
    expect(c.source.associatedUsers).toContain('Instruments.inter.user.json');
  });
  it('detects the folder and its files, not other formats', async () => {
    expect(await detectAmazonLcrec(INSTRUMENTS)).toBe(true);
    expect(await detectAmazonLcrec(join(INSTRUMENTS, 'Instruments.inter.json'))).toBe(true);
    expect(await detectAmazonLcrec(resolve(INSTRUMENTS, '../ml-100k'))).toBe(false);
  });
});

describe('amazon-lcrec side files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lcrec-'));
  const write = (name: string, data: unknown) => writeFileSync(join(dir, name), typeof data === 'string' ? data : JSON.stringify(data));
  write('Toy.inter.json', { '0': [0, 1, 2, 3], '1': [2, 1, 0], '2': [3, 3, 1] });
  write('Toy.item.json', {
    '0': { title: 'Red guitar', description: 'A red guitar.', brand: 'Acme', categories: 'Instruments,Guitars' },
    '1': { title: 'Strings', categories: ['Instruments', 'Strings'], price: 5 },
  });
  write('Toy.user.json', {
    user_explicit_preference: { '0': ['Likes guitars.', 'Long-term: strings.', 'Short-term: picks.'], '1': 'Drummer.' },
    user_vague_intention: { train: { '0': { item: 1, inters: [0], querys: ['I want strings', 'bright strings'] } }, test: { '1': { item: 0, inters: [2, 1], querys: ['something red'] } } },
  });
  write('Toy.review.json', { '(0, 1)': { review: 'Great strings', summary: 'good' }, '(2, 3)': { review: 'Meh', summary: '' }, '(1, 2)': { review: '' } });

  it('reads item text (string or list categories), profiles, intentions as queries and reviews', async () => {
    const c = await loader(dir).load();
    expect(c.items[0]).toEqual({ id: 0, key: '0', title: 'Red guitar', description: 'A red guitar.', brand: 'Acme', categories: ['Instruments', 'Guitars'] });
    expect(c.items[1]).toMatchObject({ title: 'Strings', categories: ['Instruments', 'Strings'], extra: { price: '5' } });
    expect(c.items[3]).toEqual({ id: 3, key: '3' });
    expect(c.users[0]!.profile).toBe('Likes guitars. Long-term: strings. Short-term: picks.');
    expect(c.users[1]!.profile).toBe('Drummer.');
    expect(c.users[2]!.profile).toBeUndefined();
    expect(c.reviews).toEqual([
      { user: 0, item: 1, text: 'Great strings', summary: 'good', query: 'I want strings' },
      { user: 1, item: 0, text: 'something red', query: 'something red' },
      { user: 2, item: 3, text: 'Meh' },
    ]);
  });
  it('kCore keeps and remaps the reviews of surviving users and items', async () => {
    const c = await loader(dir, { kCore: 2 }).load();
    for (const r of c.reviews ?? []) expect(c.sequences[r.user]).toContain(r.item);
    expect(c.reviews!.length).toBeGreaterThan(0);
  });
});
