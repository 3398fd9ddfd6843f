import { basename } from 'node:path';
import { dataFormatError } from './data-format-error';
import { readTextFile, splitLines } from './read-text-file';

export type AtomicType = 'token' | 'token_seq' | 'float' | 'float_seq';
const TYPES: readonly string[] = ['token', 'token_seq', 'float', 'float_seq'];

export interface AtomicColumn {
  readonly name: string;
  readonly type: AtomicType;
  readonly index: number;
}

/** A RecBole atomic file: typed header (`user_id:token item_id:token rating:float ...`), tab-separated rows. */
export interface AtomicTable {
  readonly file: string;
  readonly columns: readonly AtomicColumn[];
  /** Data rows (header excluded); `lines[r]` is row r's 1-based line number in the file. */
  readonly rows: readonly (readonly string[])[];
  readonly lines: readonly number[];
}

/** Read and check a RecBole atomic file (UTF-8, BOM and CRLF tolerated; column count on every line, known field types). */
export async function readAtomicFile(path: string): Promise<AtomicTable> {
  const file = basename(path);
  const all = splitLines(await readTextFile(path));
  const header = all[0] ?? '';
  if (header.trim() === '') throw dataFormatError(file, 'line 1', 'missing header', 'The first line must name the columns, e.g. `user_id:token<TAB>item_id:token`.');
  const columns = header.split('\t').map((h, index) => {
    const at = h.lastIndexOf(':');
    const name = at > 0 ? h.slice(0, at) : '';
    const type = at > 0 ? h.slice(at + 1) : '';
    if (!name || !TYPES.includes(type)) {
      throw dataFormatError(file, 'line 1', `header field "${h}" is not name:type with type one of ${TYPES.join(', ')}`, 'RecBole atomic headers look like `user_id:token<TAB>item_id:token<TAB>timestamp:float`.');
    }
    return { name, type: type as AtomicType, index };
  });
  const rows: string[][] = [];
  const lines: number[] = [];
  for (let i = 1; i < all.length; i++) {
    const line = all[i]!;
    if (line === '') continue;
    const cols = line.split('\t');
    if (cols.length !== columns.length) {
      throw dataFormatError(file, `line ${i + 1}`, `expected ${columns.length} tab-separated columns (${columns.map((c) => c.name).join(', ')}), found ${cols.length}`);
    }
    rows.push(cols);
    lines.push(i + 1);
  }
  return { file, columns, rows, lines };
}

/** Index of column `name` (optionally of one of `types`); throws E_DATA_FORMAT listing the columns when missing. */
export function requireColumn(table: AtomicTable, name: string, types?: readonly AtomicType[]): number {
  const col = table.columns.find((c) => c.name === name);
  if (!col) {
    throw dataFormatError(table.file, 'line 1', `missing column "${name}" (columns: ${table.columns.map((c) => `${c.name}:${c.type}`).join(', ')})`, `Add a ${name}:${types?.[0] ?? 'token'} column or fix the header.`);
  }
  if (types && !types.includes(col.type)) {
    throw dataFormatError(table.file, 'line 1', `column "${name}" has type ${col.type}, expected ${types.join(' or ')}`);
  }
  return col.index;
}

/** Index of column `name`, or undefined. */
export function findColumn(table: AtomicTable, name: string): number | undefined {
  return table.columns.find((c) => c.name === name)?.index;
}
