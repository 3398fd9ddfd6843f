import { writeFile } from 'node:fs/promises';
import { RecError, readTextFile, type IndexerKind } from '@ed2/core';
import { indexFormat } from './index-formats';
import type { IndexTable } from './index-table';

/** Reads and checks an index file in `format` (default: from the file name). Errors name the file and the line or key. */
export async function readIndexTable(path: string, format?: string, kind?: IndexerKind): Promise<IndexTable> {
  const fmt = indexFormat(format, path);
  let text: string;
  try {
    text = await readTextFile(path);
  } catch (e) {
    throw new RecError('E_DATA_MISSING', `cannot read index file ${path}: ${(e as Error).message}`, { cause: e, hint: 'Pass the path of an existing index file.' });
  }
  return fmt.parse(text, path, kind);
}

/** Writes `table` to `path` in `format` (default: from the file name). */
export async function writeIndexTable(table: IndexTable, path: string, format?: string): Promise<void> {
  await writeFile(path, indexFormat(format, path).format(table), 'utf8');
}
