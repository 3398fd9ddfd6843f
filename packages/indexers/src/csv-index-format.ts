import { INDEX_LEVEL_LETTERS, dataFormatError, stripBom } from '@ed2/core';
import { csvField, parseCsv } from './csv-text';
import { buildIndexTable, codesOf, parseIndexToken, type IndexRow, type IndexTable } from './index-table';
import type { IndexFormat } from './index-format';

const FIX = 'The header is `item_id,code_a,code_b,…,suffix,sid,item_token` (or user_id / user_token); sid or the code columns are required.';

/**
 * A CSV of semantic IDs in the MiniOneRec style: one row per entity with its id, the integer code of
 * each level (`code_a`, `code_b`, …), the collision suffix rank (empty without one), `sid` — the tokens
 * concatenated as MiniOneRec's `item_sid` (`<a_12><b_3><c_7>`) — and `item_token`, the entity's own
 * token (ASIN) where known. Reading takes `sid` when present (and checks the code columns agree),
 * else builds the tokens from the codes.
 */
export const csvIndexFormat: IndexFormat = {
  name: 'csv',
  extension: '.csv',
  description: 'MiniOneRec-style CSV: item_id, code per level, suffix, sid (<a_12><b_3>…), item_token.',
  parse(text: string, file: string, kind) {
    const rows = parseCsv(stripBom(text), file, (line, problem) => dataFormatError(file, `line ${line}`, problem, FIX));
    const header = rows.shift();
    if (!header) throw dataFormatError(file, undefined, 'file is empty', FIX);
    const h = header.fields.map((f) => f.trim());
    const branch = h[0] === 'user_id' ? 'user' : h[0] === 'item_id' ? 'item' : undefined;
    if (!branch) throw dataFormatError(file, 'line 1', `first column is "${h[0]}", expected item_id or user_id`, FIX);
    const col = (name: string) => h.indexOf(name);
    const sid = col('sid');
    const tok = col(`${branch}_token`);
    const suffix = col('suffix');
    const codeCols: number[] = [];
    for (const letter of INDEX_LEVEL_LETTERS) {
      const c = col(`code_${letter}`);
      if (c < 0) break;
      codeCols.push(c);
    }
    if (sid < 0 && codeCols.length === 0) throw dataFormatError(file, 'line 1', `no sid and no code_a column (columns: ${h.join(', ')})`, FIX);
    const prefix = branch === 'user' ? 'u_' : '';
    const out: IndexRow[] = rows.map(({ fields, line }) => {
      const where = `line ${line}`;
      if (fields.length !== h.length) throw dataFormatError(file, where, `expected ${h.length} columns (${h.join(', ')}), found ${fields.length}`, FIX);
      const codes = codeCols.map((c) => {
        const v = fields[c]!.trim();
        if (!/^\d+$/.test(v)) throw dataFormatError(file, where, `${h[c]} "${v}" is not a non-negative integer`, FIX);
        return Number(v);
      });
      const sfx = suffix >= 0 ? fields[suffix]!.trim() : '';
      if (sfx !== '' && !/^\d+$/.test(sfx)) throw dataFormatError(file, where, `suffix "${sfx}" is not empty or a non-negative integer`, FIX);
      let tokens: string[];
      if (sid >= 0) {
        const s = fields[sid]!.trim();
        tokens = s.match(/<[^<>]*>/g) ?? [];
        if (tokens.join('') !== s) throw dataFormatError(file, where, `sid "${s}" is not a run of <…> tokens`, FIX);
        const parsed = tokens.map(parseIndexToken);
        if (parsed.every((p) => p !== undefined)) {
          const own = codesOf(tokens);
          if (codeCols.length && own.codes.join(',') !== codes.join(',')) throw dataFormatError(file, where, `sid ${s} disagrees with the code columns (${codes.join(', ')})`, 'Fix one of them, or drop the code columns.');
          if (suffix >= 0 && String(own.suffix ?? '') !== (sfx === '' ? '' : String(Number(sfx)))) throw dataFormatError(file, where, `sid ${s} disagrees with suffix "${sfx}"`, 'Fix one of them, or drop the suffix column.');
        }
      } else {
        tokens = [...codes.map((c, m) => `<${prefix}${INDEX_LEVEL_LETTERS[m]}_${c}>`), ...(sfx !== '' ? [`<${prefix}p_${Number(sfx)}>`] : [])];
      }
      return { id: fields[0]!.trim(), where, tokens, ...(tok >= 0 ? { key: fields[tok]! } : {}) };
    });
    return buildIndexTable(file, out, kind ?? branch);
  },
  format(table: IndexTable): string {
    const b = table.kind;
    const header = [`${b}_id`, ...Array.from({ length: table.levels }, (_, m) => `code_${INDEX_LEVEL_LETTERS[m]}`), 'suffix', 'sid', `${b}_token`];
    const lines = table.tokens.map((t, id) => {
      const { codes, suffix } = codesOf(t);
      return [String(id), ...codes.map(String), suffix === undefined ? '' : String(suffix), t.join(''), table.keys?.[id] ?? ''].map(csvField).join(',');
    });
    return `${[header.join(','), ...lines].join('\n')}\n`;
  },
};
