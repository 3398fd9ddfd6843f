import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecError } from '../errors/rec-error';
import { amazonLcrecConfigSchema, AmazonLcrecLoader } from './amazon-lcrec-loader';
import { recboleConfigSchema, RecboleLoader } from './recbole-loader';

const root = mkdtempSync(join(tmpdir(), 'ed2-bad-data-'));
let n = 0;
/** A fresh folder holding `files` (name → content). */
function folder(files: Record<string, string>): string {
  const dir = join(root, String(n++));
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
const lcrec = (path: string) => new AmazonLcrecLoader(amazonLcrecConfigSchema.parse({ path })).load();
const recbole = (path: string) => new RecboleLoader(recboleConfigSchema.parse({ path })).load();

/** The load fails with E_DATA_FORMAT whose message matches every pattern, and a hint. */
async function fails(load: Promise<unknown>, ...patterns: RegExp[]): Promise<void> {
  const err = await load.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(RecError.is(err, 'E_DATA_FORMAT'), `expected E_DATA_FORMAT, got ${String(err)}`).toBe(true);
  const e = err as RecError;
  for (const p of patterns) expect(e.message).toMatch(p);
  expect(e.hint).toBeTruthy();
}

const INTER_OK = JSON.stringify({ '0': [0, 1, 2], '1': [1, 2, 0] });
const INTER = 'user_id:token\titem_id:token\trating:float\ttimestamp:float\n';
const SPLIT = 'user_id:token\titem_id_list:token_seq\titem_id:token\n';

describe('malformed amazon-lcrec input', () => {
  it('bad JSON names the file, line and column', async () => {
    await fails(lcrec(folder({ 'A.inter.json': '{\n  "0": [0, 1,\n  "1": [2]\n}' })), /A\.inter\.json/, /line 3/, /invalid JSON/);
  });
  it('an empty sequence names the user key', async () => {
    await fails(lcrec(folder({ 'A.inter.json': JSON.stringify({ '0': [0, 1], '7': [] }) })), /A\.inter\.json/, /key "7"/, /empty/);
  });
  it('a non-list sequence and a bad item id are reported', async () => {
    await fails(lcrec(folder({ 'A.inter.json': JSON.stringify({ '0': 5 }) })), /key "0"/, /list of item ids/);
    await fails(lcrec(folder({ 'A.inter.json': JSON.stringify({ '0': [1, 2.5] }) })), /key "0", position 1/, /2\.5/);
  });
  it('an item id missing from item2id is an unknown id', async () => {
    await fails(lcrec(folder({ 'A.inter.json': INTER_OK, 'A.item2id': 'X\t0\nY\t1\n' })), /A\.inter\.json/, /unknown item id "2"/, /A\.item2id/);
  });
  it('a user id missing from user2id, and a user2id user without a sequence', async () => {
    await fails(lcrec(folder({ 'A.inter.json': INTER_OK, 'A.user2id': 'U\t0\n' })), /unknown user id "1"/, /A\.user2id/);
    await fails(lcrec(folder({ 'A.inter.json': INTER_OK, 'A.user2id': 'U\t0\nV\t1\nW\t2\n' })), /A\.user2id/, /"W" has no sequence/);
  });
  it('a malformed id map line names the line', async () => {
    await fails(lcrec(folder({ 'A.inter.json': INTER_OK, 'A.item2id': 'X\t0\nY 1\nZ\t2\n' })), /A\.item2id/, /line 2/, /2 tab-separated columns/);
    await fails(lcrec(folder({ 'A.inter.json': INTER_OK, 'A.item2id': 'X\t0\nY\tone\nZ\t2\n' })), /line 2/, /"one" is not a non-negative integer/);
  });
  it('side files with unknown ids or bad shapes name the key', async () => {
    await fails(lcrec(folder({ 'A.inter.json': INTER_OK, 'A.item.json': JSON.stringify({ '0': 'just a string' }) })), /A\.item\.json/, /key "0"/);
    await fails(lcrec(folder({ 'A.inter.json': INTER_OK, 'A.review.json': JSON.stringify({ '(0, 9)': { review: 'hi' } }) })), /A\.review\.json/, /key "\(0, 9\)"/, /unknown item id "9"/);
    await fails(lcrec(folder({ 'A.inter.json': INTER_OK, 'A.user.json': JSON.stringify({ user_explicit_preference: { '5': 'x' } }) })), /A\.user\.json/, /unknown user id "5"/);
    await fails(lcrec(folder({ 'A.inter.json': INTER_OK, 'A.inter.user.json': JSON.stringify({ '1': ['0', '4'] }) })), /A\.inter\.user\.json/, /key "1"/, /unknown user id "4"/);
  });
});

describe('malformed recbole input', () => {
  it('a missing column lists the columns', async () => {
    await fails(recbole(folder({ 'B.inter': 'user_id:token\ttimestamp:float\n1\t5\n' })), /B\.inter/, /line 1/, /missing column "item_id"/, /user_id:token, timestamp:float/);
  });
  it('a header field without a known type', async () => {
    await fails(recbole(folder({ 'B.inter': 'user_id:token\titem_id\n1\t2\n' })), /B\.inter/, /line 1/, /"item_id"/);
  });
  it('a wrong column count names the line', async () => {
    await fails(recbole(folder({ 'B.inter': `${INTER}1\t2\t3\t100\n1\t3\t4\n` })), /B\.inter/, /line 3/, /expected 4 .*found 3/);
  });
  it('a non-numeric timestamp names the line', async () => {
    await fails(recbole(folder({ 'B.inter': `${INTER}1\t2\t3\t100\n1\t3\t4\tyesterday\n` })), /B\.inter/, /line 3/, /timestamp "yesterday" is not a number/);
  });
  it('a column of the wrong type', async () => {
    await fails(recbole(folder({ 'C.train.inter': SPLIT.replace('item_id_list:token_seq', 'item_id_list:token'), 'C.valid.inter': SPLIT, 'C.test.inter': SPLIT })), /C\.train\.inter/, /item_id_list" has type token/);
  });
  it('pre-split: an unknown id, a missing part, and a history that does not continue the sequence', async () => {
    const ok = { 'C.train.inter': `${SPLIT}0\t1\t2\n`, 'C.valid.inter': `${SPLIT}0\t1 2\t3\n`, 'C.test.inter': `${SPLIT}0\t1 2 3\t4\n` };
    await fails(recbole(folder({ ...ok, 'C.item2index': 'a\t1\nb\t2\nc\t3\n' })), /C\.test\.inter/, /line 2/, /unknown item id "4"/, /C\.item2index/);
    await fails(recbole(folder({ 'C.train.inter': ok['C.train.inter'], 'C.test.inter': ok['C.test.inter'] })), /C\.valid\.inter/, /missing/);
    await fails(recbole(folder({ ...ok, 'C.test.inter': `${SPLIT}0\t1 9 3\t4\n` })), /C\.test\.inter/, /line 2/, /does not continue/);
    expect((await recbole(folder(ok))).sequences).toEqual([[0, 1, 2, 3]]);
  });
});

const BOM = '\uFEFF';
const crlf = (s: string) => s.replace(/\n/g, '\r\n');

describe('inputs users really have: byte-order marks, CRLF, odd ids, empty data', () => {
  it('amazon-lcrec: a BOM and CRLF line ends in every file load like the plain files', async () => {
    const files = {
      'A.inter.json': crlf(JSON.stringify({ '0': [0, 1, 2], '1': [1, 2, 0] }, null, 1)),
      'A.item2id': crlf('X\t0\nY\t1\nZ\t2\n'),
      'A.user2id': crlf('U\t0\nV\t1\n'),
      'A.item.json': crlf(JSON.stringify({ '0': { title: 'x' } }, null, 1)),
    };
    const plain = await lcrec(folder(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v.replace(/\r\n/g, '\n')]))));
    const odd = await lcrec(folder(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, BOM + v]))));
    expect(odd.sequences).toEqual([[0, 1, 2], [1, 2, 0]]);
    expect(odd.items.map((i) => i.key)).toEqual(['X', 'Y', 'Z']);
    expect(odd.users.map((u) => u.key)).toEqual(['U', 'V']);
    expect(odd.items[0]!.title).toBe('x');
    expect({ ...odd, source: undefined }).toEqual({ ...plain, source: undefined });
  });
  it('amazon-lcrec: no users, negative and inexact ids are E_DATA_FORMAT naming the key', async () => {
    await fails(lcrec(folder({ 'A.inter.json': '{}' })), /A\.inter\.json/, /no users/);
    await fails(lcrec(folder({ 'A.inter.json': `${BOM}` })), /A\.inter\.json/, /empty/);
    await fails(lcrec(folder({ 'A.inter.json': JSON.stringify({ '0': [1, -3] }) })), /key "0", position 1/, /item id -3 is negative/);
    await fails(lcrec(folder({ 'A.inter.json': '{"0": [1, 90071992547409930]}' })), /key "0", position 1/, /beyond 2\^53/);
  });
  it('amazon-lcrec: huge non-contiguous ids become dense ids in numeric order (no table sized by the largest id)', async () => {
    const c = await lcrec(folder({ 'A.inter.json': JSON.stringify({ '7000000000000': [4000000000000, 5, 4000000000000], '3': [5] }) }));
    expect(c.items.map((i) => i.key)).toEqual(['5', '4000000000000']);
    expect(c.users.map((u) => u.key)).toEqual(['3', '7000000000000']);
    expect(c.sequences).toEqual([[0], [1, 0, 1]]);
    const mapped = await lcrec(folder({ 'A.inter.json': JSON.stringify({ '0': [0, 9000000000], '1': [9000000000] }), 'A.item2id': 'X\t0\r\nY\t9000000000\r\n' }));
    expect(mapped.items.map((i) => i.key)).toEqual(['X', 'Y']);
    expect(mapped.sequences).toEqual([[0, 1], [1]]);
  });
  it('recbole: a BOM and CRLF line ends load like the plain files (both forms)', async () => {
    const inter = `${INTER}1\t10\t5\t200\n1\t11\t4\t100\n2\t10\t3\t50\n`;
    const plain = await recbole(folder({ 'B.inter': inter, 'B.item': 'item_id:token\ttitle:token_seq\n10\tA b\n' }));
    const odd = await recbole(folder({ 'B.inter': BOM + crlf(inter), 'B.item': BOM + crlf('item_id:token\ttitle:token_seq\n10\tA b\n') }));
    expect(odd.sequences).toEqual([[1, 0], [0]]);
    expect(odd.items.find((i) => i.key === '10')!.title).toBe('A b');
    expect({ ...odd, source: undefined }).toEqual({ ...plain, source: undefined });
    const split = { 'C.train.inter': `${SPLIT}0\t1\t2\n`, 'C.valid.inter': `${SPLIT}0\t1 2\t3\n`, 'C.test.inter': `${SPLIT}0\t1 2 3\t4\n`, 'C.item2index': 'a\t1\nb\t2\nc\t3\nd\t4\n' };
    const pre = await recbole(folder(Object.fromEntries(Object.entries(split).map(([k, v]) => [k, BOM + crlf(v)]))));
    expect(pre.sequences).toEqual([[0, 1, 2, 3]]);
    expect(pre.items.map((i) => i.key)).toEqual(['a', 'b', 'c', 'd']);
  });
  it('recbole: a header-only file has no interactions; a float id column is the wrong type', async () => {
    await fails(recbole(folder({ 'B.inter': INTER })), /B\.inter/, /no interactions/);
    await fails(recbole(folder({ 'C.train.inter': SPLIT, 'C.valid.inter': SPLIT, 'C.test.inter': SPLIT })), /C\.train\.inter/, /no interactions/);
    await fails(recbole(folder({ 'B.inter': 'user_id:float\titem_id:token\n1\t2\n' })), /B\.inter/, /line 1/, /"user_id" has type float, expected token/);
  });
  it('recbole: negative and huge non-contiguous tokens are ids like any other (dense, no table sized by the largest)', async () => {
    const c = await recbole(folder({ 'B.inter': `user_id:token\titem_id:token\n-4\t900719925474099312345\n-4\t-1\n8\t-1\n` }));
    expect(c.items.map((i) => i.key)).toEqual(['900719925474099312345', '-1']);
    expect(c.users.map((u) => u.key)).toEqual(['-4', '8']);
    expect(c.sequences).toEqual([[0, 1], [1]]);
  });
});
