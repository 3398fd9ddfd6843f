import type { ItemRecord } from '../domain/corpus';
import type { AtomicTable } from './read-atomic-file';

type ItemText = Omit<ItemRecord, 'id' | 'key'>;

const TITLE = new Set(['title', 'movie_title', 'item_title', 'name', 'item_name', 'text']);
const DESCRIPTION = new Set(['description', 'desc', 'item_description']);
const BRAND = new Set(['brand']);
const CATEGORIES = new Set(['categories', 'category', 'class', 'genre', 'genres', 'cate', 'cates']);

/**
 * Item text from one row of a RecBole `.item` (or `.text`) table, by column name:
 * title (`title`, `movie_title`, `text`, ...), `description`, `brand`, categories (`categories`,
 * `class`, `genre`; token_seq columns split on spaces, token columns kept whole); every other column
 * (e.g. ml-100k `release_year`) goes to `extra`. The id column is skipped; empty values are dropped.
 */
export function recboleItemText(table: AtomicTable, row: readonly string[], idColumn: number): ItemText {
  const out: { -readonly [K in keyof ItemText]: ItemText[K] } = {};
  const extra: Record<string, string> = {};
  for (const col of table.columns) {
    if (col.index === idColumn) continue;
    const value = (row[col.index] ?? '').trim();
    if (value === '') continue;
    const name = col.name.toLowerCase();
    if (TITLE.has(name) && out.title === undefined) out.title = value;
    else if (DESCRIPTION.has(name) && out.description === undefined) out.description = value;
    else if (BRAND.has(name) && out.brand === undefined) out.brand = value;
    else if (CATEGORIES.has(name) && out.categories === undefined) out.categories = col.type === 'token_seq' ? value.split(/\s+/) : [value];
    else extra[col.name] = value;
  }
  if (Object.keys(extra).length) out.extra = extra;
  return out;
}
