import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNewItems } from './read-new-items';

const dir = mkdtempSync(join(tmpdir(), 'new-items-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('readNewItems', () => {
  it('reads a JSON array and BOM + CRLF JSON lines alike, categories as an array or a separated string', async () => {
    const want = [{ key: 'n1', title: 'a lamp', categories: ['lighting', 'home'] }, { key: '7', brand: 'acme' }];
    expect(await readNewItems(file('a.json', JSON.stringify([{ key: 'n1', title: 'a lamp', categories: ['lighting', 'home'] }, { key: 7, brand: 'acme' }])))).toEqual(want);
    expect(await readNewItems(file('b.jsonl', '\ufeff{"key":"n1","title":"a lamp","categories":"lighting | home"}\r\n\r\n{"key":7,"brand":"acme"}\r\n'))).toEqual(want);
  });

  it('names a missing file, a bad entry, a duplicate key and an empty file', async () => {
    await expect(readNewItems(join(dir, 'nope.jsonl'))).rejects.toThrow(/nope\.jsonl does not exist/);
    await expect(readNewItems(file('c.jsonl', '{"key":"a"}\n{"title":"no key"}\n'))).rejects.toThrow(/line 2.*key/);
    await expect(readNewItems(file('d.jsonl', '{"key":"a","colour":"red"}\n'))).rejects.toThrow(/line 1/);
    await expect(readNewItems(file('e.json', '[{"key":"a"},{"key":"a"}]'))).rejects.toThrow(/entry 1.*"a" appears twice/);
    await expect(readNewItems(file('f.jsonl', '\n\n'))).rejects.toThrow(/no items/);
  });
});
