import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RecError } from '@ed2/core';
import { buildEntityIndex } from './collisions';
import { INDEX_FORMATS, indexFormat } from './index-formats';
import { INDEX_FORMAT_NAMES } from './index-format';
import { checkIndexAgainst, indexTableOf, type IndexTable } from './index-table';
import { readIndexTable, writeIndexTable } from './read-index-table';
import { readIndexFile } from './static-indexer';

const DIR = resolve(__dirname, '../../../../shared/datasets/amazon-instruments');
const INDEX = join(DIR, 'Instruments.index.json');
const tmp = mkdtempSync(join(tmpdir(), 'ed2-index-formats-'));
let n = 0;
const file = (name: string, text: string) => {
  const p = join(tmp, `${n++}-${name}`);
  writeFileSync(p, text);
  return p;
};
const EXT = { 'lcrec-json': 'x.index.json', csv: 'x.csv', recbole: 'x.item' } as const;

/** Written in `format` and read back. */
async function roundTrip(table: IndexTable, format: keyof typeof EXT): Promise<IndexTable> {
  const p = join(tmp, `${n++}-${EXT[format]}`);
  await writeIndexTable(table, p, format);
  return readIndexTable(p, format, table.kind);
}

/** The promise rejects with E_DATA_FORMAT whose message matches every pattern, with a hint. */
async function fails(p: Promise<unknown> | (() => unknown), ...patterns: RegExp[]): Promise<void> {
  const err = await (typeof p === 'function' ? Promise.resolve().then(p) : p).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(RecError.is(err, 'E_DATA_FORMAT'), `expected E_DATA_FORMAT, got ${String(err)}`).toBe(true);
  for (const re of patterns) expect((err as RecError).message).toMatch(re);
  expect((err as RecError).hint).toBeTruthy();
}

describe('index formats on the real Instruments.index.json', () => {
  let raw: Record<string, string[]>;
  let asins: string[];
  let table: IndexTable;
  beforeAll(async () => {
    if (!existsSync(INDEX)) throw new Error(`missing ${INDEX} (see /work/shared/datasets/README.md)`);
    raw = JSON.parse(readFileSync(INDEX, 'utf8')) as Record<string, string[]>;
    asins = [];
    for (const line of readFileSync(join(DIR, 'Instruments.item2id'), 'utf8').trim().split('\n')) {
      const [asin, id] = line.split('\t');
      asins[Number(id)] = asin!;
    }
    table = await readIndexTable(INDEX);
  });

  it('reads every entry as the file has it, and writes the file back byte for byte', () => {
    expect(table.tokens.length).toBe(Object.keys(raw).length);
    expect(table.levels).toBe(4);
    expect(table.prefix).toBe('');
    expect(table.kind).toBe('item');
    for (const [id, t] of Object.entries(raw)) expect(table.tokens[Number(id)]).toEqual(t);
    expect(INDEX_FORMATS['lcrec-json'].format(table)).toBe(readFileSync(INDEX, 'utf8'));
  });

  it('csv: one row per item with the codes, sid and ASIN, and back without loss', async () => {
    const withKeys = { ...table, keys: asins };
    const text = INDEX_FORMATS.csv.format(withKeys);
    const lines = text.split('\n');
    expect(lines[0]).toBe('item_id,code_a,code_b,code_c,code_d,suffix,sid,item_token');
    // item 0 of the file: ["<a_137>", "<b_112>", "<c_79>", "<d_200>"], ASIN B000FFWZKI (Instruments.item2id line 1)
    expect(lines[1]).toBe('0,137,112,79,200,,<a_137><b_112><c_79><d_200>,B000FFWZKI');
    expect(await roundTrip(withKeys, 'csv')).toEqual(withKeys);
    expect(await roundTrip(table, 'csv')).toEqual(table);
  });

  it('recbole: an atomic .item file with sid:token_seq, and back without loss', async () => {
    const withKeys = { ...table, keys: asins };
    const lines = INDEX_FORMATS.recbole.format(withKeys).split('\n');
    expect(lines[0]).toBe('item_id:token\tsid:token_seq\titem_token:token');
    expect(lines[1]).toBe('0\t<a_137> <b_112> <c_79> <d_200>\tB000FFWZKI');
    expect(await roundTrip(withKeys, 'recbole')).toEqual(withKeys);
    expect(await roundTrip(table, 'recbole')).toEqual(table);
  });

  it('lcrec-json → csv → recbole → lcrec-json gives the original file', async () => {
    const back = await roundTrip(await roundTrip(await roundTrip(table, 'csv'), 'recbole'), 'lcrec-json');
    expect(INDEX_FORMATS['lcrec-json'].format(back)).toBe(readFileSync(INDEX, 'utf8'));
  });
});

describe('index formats on a generated index with collision suffixes (mixed lengths)', () => {
  // 7 entities, 3 levels; entities 1, 4 and 6 share (1,2,3) and 2, 5 share (0,0,1): five get a <p_k> suffix.
  const codes = Int32Array.from([0, 0, 0, 1, 2, 3, 0, 0, 1, 9, 9, 9, 1, 2, 3, 0, 0, 1, 1, 2, 3]);
  for (const [kind, prefix] of [
    ['item', ''],
    ['user', 'u_'],
  ] as const) {
    const index = buildEntityIndex(codes, { kind, prefix, levels: 3, codebookSize: 16, seed: 5, suffixTokens: 0 });
    const keys = ['A1', 'with,comma', 'with "quote"', undefined, 'B4', 'ü-ß', 'C6'];
    const table = indexTableOf(index, keys);
    it(`${kind}: suffixes make lengths 3 and 4, and every format gives the table back`, async () => {
      expect(table.tokens.map((t) => t.length).sort()).toEqual([3, 3, 4, 4, 4, 4, 4]);
      expect(table.tokens[3]).toEqual([`<${prefix}a_9>`, `<${prefix}b_9>`, `<${prefix}c_9>`]);
      expect(table.tokens[1]!.slice(0, 3)).toEqual([`<${prefix}a_1>`, `<${prefix}b_2>`, `<${prefix}c_3>`]);
      expect(table.kind).toBe(kind);
      for (const format of INDEX_FORMAT_NAMES) {
        const back = await roundTrip(table, format);
        const { keys: _keys, ...withoutKeys } = table; // LC-Rec index files carry no entity keys
        expect(back).toEqual(format === 'lcrec-json' ? withoutKeys : table);
      }
    });
  }
  it('the csv rows give the suffix rank in its own column', () => {
    const index = buildEntityIndex(codes, { kind: 'item', prefix: '', levels: 3, codebookSize: 16, seed: 5, suffixTokens: 0 });
    const rows = INDEX_FORMATS.csv.format(indexTableOf(index)).trim().split('\n').slice(1);
    const suffix = rows.map((r) => r.split(',')[4]);
    expect(suffix.filter((s) => s === '').length).toBe(2);
    expect([suffix[1], suffix[4], suffix[6]].sort()).toEqual(['0', '1', '2']);
    expect([suffix[2], suffix[5]].sort()).toEqual(['0', '1']);
  });
});

describe('malformed index files (each format): E_DATA_FORMAT naming the file, the key or line, and the fix', () => {
  const BOM = '\uFEFF';
  it('a BOM and CRLF line ends are read like the plain files', async () => {
    const j = await readIndexTable(file('a.index.json', `${BOM}{\r\n "0": ["<a_1>", "<b_2>"],\r\n "1": ["<a_3>", "<b_4>"]\r\n}\r\n`));
    const c = await readIndexTable(file('a.csv', `${BOM}item_id,code_a,code_b,suffix,sid,item_token\r\n0,1,2,,<a_1><b_2>,X\r\n1,3,4,,<a_3><b_4>,Y\r\n`));
    const r = await readIndexTable(file('a.item', `${BOM}item_id:token\tsid:token_seq\r\n0\t<a_1> <b_2>\r\n1\t<a_3> <b_4>\r\n`));
    for (const t of [j, c, r]) expect(t.tokens).toEqual([['<a_1>', '<b_2>'], ['<a_3>', '<b_4>']]);
    expect(c.keys).toEqual(['X', 'Y']);
    const s = readIndexFile(file('s.index.json', `${BOM}{"0": ["<a_1>", "<b_2>"],\r\n"1": ["<a_3>", "<b_4>", "<p_0>"]}`));
    expect(Array.from(s.codes)).toEqual([1, 2, 3, 4]);
  });
  it('wrong id types', async () => {
    await fails(readIndexTable(file('b.index.json', '{"0": ["<a_1>"], "x7": ["<a_2>"]}')), /b\.index\.json/, /key "x7"/, /not a non-negative integer/);
    await fails(readIndexTable(file('b.csv', 'item_id,sid\n0,<a_1>\n-1,<a_2>\n')), /b\.csv/, /line 3/, /id "-1" is not a non-negative integer/);
    await fails(readIndexTable(file('b.item', 'item_id:token\tsid:token_seq\n0\t<a_1>\n1.5\t<a_2>\n')), /b\.item/, /line 3/, /id "1\.5"/);
    await fails(readIndexTable(file('c.csv', 'item_id,code_a\n0,1\n1,x\n')), /c\.csv/, /line 3/, /code_a "x"/);
    await fails(readIndexTable(file('d.item', 'item_id:token\tsid:token\n0\t<a_1>\n')), /d\.item/, /line 1/, /must have type token_seq/);
  });
  it('negative, huge or non-contiguous ids (nothing sized by the largest id)', async () => {
    await fails(readIndexTable(file('e.index.json', '{"0": ["<a_1>"], "-2": ["<a_2>"]}')), /key "-2"/, /not a non-negative integer/);
    await fails(readIndexTable(file('e.index.json', '{"0": ["<a_1>"], "900000000000000000000": ["<a_2>"]}')), /key "900000000000000000000"/, /outside 0\.\.1/, /not contiguous/);
    await fails(readIndexTable(file('e.csv', 'item_id,sid\n0,<a_1>\n5,<a_2>\n')), /e\.csv/, /line 3/, /id 5 is outside 0\.\.1/);
    await fails(readIndexTable(file('e.item', 'item_id:token\tsid:token_seq\n1\t<a_1>\n1\t<a_2>\n')), /e\.item/, /line 3/, /id 1 appears twice/);
    await fails(() => readIndexFile(file('s.index.json', '{"0": ["<a_1>"], "4000000000": ["<a_2>"]}')), /s\.index\.json/, /key "4000000000"/);
  });
  it('mixed code lengths, bad tokens, an empty file', async () => {
    await fails(readIndexTable(file('f.index.json', '{"0": ["<a_1>", "<b_2>"], "1": ["<a_3>", "<b_1>", "<c_2>"]}')), /f\.index\.json/, /key "1"/, /mixes code lengths: 3 level tokens here, 2 at key "0"/);
    await fails(readIndexTable(file('f.csv', 'item_id,sid\n0,<a_1><b_2>\n1,<a_1>\n')), /f\.csv/, /line 3/, /mixes code lengths/);
    await fails(readIndexTable(file('f.item', 'item_id:token\tsid:token_seq\n0\t<a_1> <b_2>\n1\t<a_1> <b_2> <c_3>\n')), /line 3/, /mixes code lengths/);
    await fails(() => readIndexFile(file('s.index.json', '{"0": ["<a_1>", "<b_2>"], "1": ["<a_3>"]}')), /s\.index\.json/, /key "1"/, /mixes code lengths/);
    await fails(readIndexTable(file('g.index.json', '{"0": ["<b_1>", "<a_2>"]}')), /key "0"/, /expected a level-0 token/);
    await fails(readIndexTable(file('g.index.json', '{"0": ["<a_1>", "<p_0>", "<b_2>"]}')), /key "0"/, /suffix "<p_0>" is not the last token/);
    await fails(readIndexTable(file('g.index.json', '{"0": ["<a_1>"], "1": ["<u_a_1>"]}')), /key "1"/, /prefix "u_"/);
    await fails(readIndexTable(file('g.index.json', '{"0": "<a_1>"}')), /key "0"/, /non-empty list of index tokens/);
    await fails(readIndexTable(file('g.csv', 'item_id,code_a,sid\n0,2,<a_1>\n')), /line 2/, /disagrees with the code columns/);
    await fails(readIndexTable(file('g.index.json', `${BOM}`)), /g\.index\.json/, /empty/);
    await fails(readIndexTable(file('g.index.json', '{}')), /no index entries/);
    await fails(readIndexTable(file('g.csv', 'item_id,sid\n')), /no index entries/);
  });
  it('an index naming items the dataset does not have, or missing some', async () => {
    const t = await readIndexTable(file('h.csv', 'item_id,sid,item_token\n0,<a_1>,X\n1,<a_2>,Y\n2,<a_3>,Z\n'));
    await fails(() => checkIndexAgainst('h.csv', t, 2), /h\.csv/, /key "2"/, /unknown item 2/);
    await fails(() => checkIndexAgainst('h.csv', t, 4), /h\.csv/, /items 3\.\.3 have no index/);
    await fails(() => checkIndexAgainst('h.csv', t, 3, ['X', 'Q', 'Z']), /id 1/, /"Y" differs from the dataset's "Q"/);
    expect(() => checkIndexAgainst('h.csv', t, 3, ['X', 'Y', 'Z'])).not.toThrow();
  });
  it('unknown format names get the known ones', () => {
    expect(() => indexFormat('cvs')).toThrow(/unknown index format "cvs" \(did you mean csv\?\)/);
    expect(indexFormat(undefined, 'a/b.item').name).toBe('recbole');
  });
});
