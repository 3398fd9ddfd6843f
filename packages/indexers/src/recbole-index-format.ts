import { dataFormatError, splitLines, stripBom } from '@ed2/core';
import { buildIndexTable, type IndexRow, type IndexTable } from './index-table';
import type { IndexFormat } from './index-format';

const FIX = 'The header is `item_id:token<TAB>sid:token_seq[<TAB>item_token:token]` (user_id / user_token for users), one tab-separated row per entity.';

/**
 * RecBole atomic file (`X.item` / `X.user` style, tab-separated, typed header): `item_id:token` (the
 * dense id the dataset's `.inter` files use), `sid:token_seq` (the index tokens, space-separated, as a
 * token sequence feature) and optional `item_token:token` (the entity's own token, e.g. the ASIN of
 * `X.item2index`). RecBole's loader reads it as an ordinary item feature file.
 */
export const recboleIndexFormat: IndexFormat = {
  name: 'recbole',
  extension: '.item',
  description: 'RecBole atomic file: item_id:token, sid:token_seq (space-separated tokens), item_token:token.',
  parse(text: string, file: string, kind) {
    const lines = splitLines(stripBom(text));
    const header = (lines[0] ?? '').split('\t').map((f) => f.trim());
    if (header.length === 1 && header[0] === '') throw dataFormatError(file, 'line 1', 'missing header', FIX);
    const branch = header[0] === 'user_id:token' ? 'user' : header[0] === 'item_id:token' ? 'item' : undefined;
    if (!branch) throw dataFormatError(file, 'line 1', `first field is "${header[0]}", expected item_id:token or user_id:token`, FIX);
    const sid = header.indexOf('sid:token_seq');
    if (sid < 0) {
      const other = header.find((f) => f.startsWith('sid:'));
      throw dataFormatError(file, 'line 1', other ? `field "${other}" must have type token_seq` : `no sid:token_seq field (fields: ${header.join(', ')})`, FIX);
    }
    const tok = header.indexOf(`${branch}_token:token`);
    const rows: IndexRow[] = [];
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.trim() === '') continue;
      const where = `line ${i + 1}`;
      const f = line.split('\t');
      if (f.length !== header.length) throw dataFormatError(file, where, `expected ${header.length} tab-separated fields (${header.join(', ')}), found ${f.length}`, FIX);
      const tokens = f[sid]!.trim() === '' ? [] : f[sid]!.trim().split(/ +/);
      rows.push({ id: f[0]!.trim(), where, tokens, ...(tok >= 0 ? { key: f[tok]! } : {}) });
    }
    return buildIndexTable(file, rows, kind ?? branch);
  },
  format(table: IndexTable): string {
    const b = table.kind;
    const keys = table.keys;
    const bad = keys?.findIndex((k) => k !== undefined && /[\t\r\n]/.test(k)) ?? -1;
    if (bad >= 0) throw dataFormatError(`${b} index`, `id ${bad}`, `token ${JSON.stringify(keys![bad])} holds a tab or line break, which a RecBole atomic file cannot hold`, 'Export to csv or lcrec-json instead.');
    const header = [`${b}_id:token`, 'sid:token_seq', ...(keys ? [`${b}_token:token`] : [])];
    const lines = table.tokens.map((t, id) => [String(id), t.join(' '), ...(keys ? [keys[id] ?? ''] : [])].join('\t'));
    return `${[header.join('\t'), ...lines].join('\n')}\n`;
  },
};
