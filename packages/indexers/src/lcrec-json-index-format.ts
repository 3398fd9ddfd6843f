import { dataFormatError, parseJsonText } from '@ed2/core';
import { buildIndexTable, type IndexTable } from './index-table';
import type { IndexFormat } from './index-format';

/**
 * LC-Rec / LETTER / MiniOneRec `X.index.json`: `{"<id>": ["<a_12>", "<b_3>", …]}`. Written the way
 * Python's `json.dump` writes it (`", "` and `": "` separators, one line, ids in order), so re-writing
 * such a file gives it back byte for byte. It carries no entity keys.
 */
export const lcrecJsonIndexFormat: IndexFormat = {
  name: 'lcrec-json',
  extension: '.index.json',
  description: 'LC-Rec / MiniOneRec X.index.json: {"<id>": ["<a_12>", "<b_3>", …]} (no entity keys).',
  parse(text: string, file: string, kind) {
    const data = parseJsonText(text, file);
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw dataFormatError(file, undefined, `expected an object {"<id>": ["<a_12>", …]}, got ${Array.isArray(data) ? 'a list' : typeof data}`, 'An LC-Rec index file maps each entity id to its token list.');
    }
    const rows = Object.entries(data as Record<string, unknown>).map(([id, tokens]) => ({ id, where: `key "${id}"`, tokens }));
    return buildIndexTable(file, rows, kind);
  },
  format(table: IndexTable): string {
    const entry = (t: readonly string[], id: number) => `${JSON.stringify(String(id))}: [${t.map((x) => JSON.stringify(x)).join(', ')}]`;
    return `{${table.tokens.map(entry).join(', ')}}`;
  },
};
