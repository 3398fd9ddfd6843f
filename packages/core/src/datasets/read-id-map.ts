import { basename } from 'node:path';
import { dataFormatError } from './data-format-error';
import { readTextFile, splitLines } from './read-text-file';

/**
 * A `key<TAB>id` file (`X.item2id`, `X.user2id`, `X.item2index`, ...): the dataset's own key (ASIN,
 * reviewerID) for each integer id. Returns id (as a canonical decimal string) → key.
 * An optional header line whose id column is not a number (`item_id:token ...`) is skipped.
 */
export async function readIdMap(file: string): Promise<Map<string, string>> {
  const name = basename(file);
  const lines = splitLines(await readTextFile(file));
  const out = new Map<string, string>();
  const keys = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const tab = line.indexOf('\t');
    if (tab < 0 || line.indexOf('\t', tab + 1) >= 0) {
      throw dataFormatError(name, `line ${i + 1}`, `expected 2 tab-separated columns (key, id), found ${line.split('\t').length}`, 'Each line must be `<key><TAB><integer id>`.');
    }
    const key = line.slice(0, tab);
    const idText = line.slice(tab + 1).trim();
    const n = Number(idText);
    if (idText === '' || !Number.isInteger(n) || n < 0 || !/^\d+$/.test(idText)) {
      if (i === 0 && idText.includes(':')) continue; // typed header
      throw dataFormatError(name, `line ${i + 1}`, `id "${idText}" is not a non-negative integer`, 'Each line must be `<key><TAB><integer id>`.');
    }
    const id = String(n);
    if (out.has(id)) throw dataFormatError(name, `line ${i + 1}`, `id ${id} appears twice (keys "${out.get(id)}" and "${key}")`);
    if (keys.has(key)) throw dataFormatError(name, `line ${i + 1}`, `key "${key}" appears twice`);
    keys.add(key);
    out.set(id, key);
  }
  if (out.size === 0) throw dataFormatError(name, undefined, 'file is empty', 'Remove the file or fill it with `<key><TAB><id>` lines.');
  return out;
}
