import { INDEX_LEVEL_LETTERS, dataFormatError, type EntityIndex, type IndexerKind } from '@ed2/core';

/**
 * An index as stored in a file: entity id → its index tokens (M level tokens `<a_12> <b_3> …`, then an
 * optional collision suffix `<p_k>`), and, where the file gives it, the entity's own token (ASIN,
 * reviewerID). What every index format reads and writes, so a round trip through any of them is lossless.
 */
export interface IndexTable {
  readonly kind: IndexerKind;
  /** Token prefix: `''` for items (`<a_12>`), `'u_'` for users (`<u_a_12>`). */
  readonly prefix: string;
  /** Level tokens per entity (M); the suffix is not counted. */
  readonly levels: number;
  /** `tokens[id]`: entity `id`'s tokens, ids 0..K−1. */
  readonly tokens: readonly (readonly string[])[];
  /** `keys[id]`: the entity's own token, where known. */
  readonly keys?: readonly (string | undefined)[];
}

/** One entry as a reader found it: the id text, where it is (`line 3`, `key "7"`), its tokens and key. */
export interface IndexRow {
  readonly id: string;
  readonly where: string;
  readonly tokens: unknown;
  readonly key?: string;
}

const TOKEN = /^<(.*?)([a-p])_(\d+)>$/;
const FIX_IDS = 'Index ids are the dense entity ids 0..K−1 of the dataset (as in X.item2id); renumber the file or export it again.';

/** Parsed index token: level (suffix = −1), code, prefix; undefined when not an index token. */
export function parseIndexToken(token: string): { level: number; code: number; prefix: string } | undefined {
  const m = TOKEN.exec(token);
  if (!m || !Number.isSafeInteger(Number(m[3]))) return undefined;
  return { level: m[2] === 'p' ? -1 : INDEX_LEVEL_LETTERS.indexOf(m[2]!), code: Number(m[3]), prefix: m[1]! };
}

/**
 * Builds and checks an index table from the rows a reader found in `file`: ids are decimal integers
 * 0..K−1, each once (checked against the row count, so no table is sized by the largest id); every
 * entity has the same number of level tokens in level order with one prefix, then at most one suffix.
 * Each problem is an E_DATA_FORMAT naming the file, the line or key, and the fix.
 */
export function buildIndexTable(file: string, rows: readonly IndexRow[], kind?: IndexerKind): IndexTable {
  if (rows.length === 0) throw dataFormatError(file, undefined, 'holds no index entries', 'Write one entry per entity, e.g. {"0": ["<a_12>", "<b_3>"]}.');
  const tokens: (string[] | undefined)[] = new Array<string[] | undefined>(rows.length);
  const keys: (string | undefined)[] = new Array<string | undefined>(rows.length).fill(undefined);
  let levels = -1;
  let prefix: string | undefined;
  let first = '';
  for (const row of rows) {
    if (!/^\d+$/.test(row.id)) throw dataFormatError(file, row.where, `id "${row.id}" is not a non-negative integer`, FIX_IDS);
    const id = Number(row.id);
    if (id >= rows.length) throw dataFormatError(file, row.where, `id ${row.id} is outside 0..${rows.length - 1} (the file has ${rows.length} entries, so its ids are not contiguous)`, FIX_IDS);
    if (tokens[id]) throw dataFormatError(file, row.where, `id ${id} appears twice`, 'Keep one entry per entity.');
    if (!Array.isArray(row.tokens) || row.tokens.length === 0) throw dataFormatError(file, row.where, `expected a non-empty list of index tokens, got ${JSON.stringify(row.tokens)}`, 'Each entity needs its tokens, e.g. ["<a_12>", "<b_3>", "<c_7>"].');
    const list = row.tokens as unknown[];
    let m = 0;
    list.forEach((t, j) => {
      const p = typeof t === 'string' ? parseIndexToken(t) : undefined;
      if (!p) throw dataFormatError(file, row.where, `token ${j} is ${JSON.stringify(t)}, not an index token like <a_12> (or the suffix <p_1>)`, 'Index tokens are <letter_code>: a, b, c … per level, p for the collision suffix.');
      if (prefix === undefined) prefix = p.prefix;
      if (p.prefix !== prefix) throw dataFormatError(file, row.where, `token ${JSON.stringify(t)} has prefix "${p.prefix}" but earlier tokens have "${prefix}"`, 'One file holds one branch: item tokens <a_1> or user tokens <u_a_1>, not both.');
      if (p.level === -1) {
        if (j !== list.length - 1) throw dataFormatError(file, row.where, `suffix ${JSON.stringify(t)} is not the last token`, 'The collision suffix <p_k> comes after the level tokens.');
        return;
      }
      if (p.level !== m) throw dataFormatError(file, row.where, `token ${j} is ${JSON.stringify(t)}, expected a level-${m} token <${prefix}${INDEX_LEVEL_LETTERS[m]}_…>`, 'Level tokens come in order a, b, c, …');
      m++;
    });
    if (m === 0) throw dataFormatError(file, row.where, 'has a suffix but no level tokens', 'Each entity needs its level tokens before the suffix.');
    if (levels === -1) {
      levels = m;
      first = row.where;
    } else if (m !== levels) {
      throw dataFormatError(file, row.where, `mixes code lengths: ${m} level tokens here, ${levels} at ${first}`, 'Every entity needs the same number of levels (M); re-export the index from one indexer run.');
    }
    tokens[id] = list as string[];
    if (row.key !== undefined && row.key !== '') keys[id] = row.key;
  }
  const hasKeys = keys.some((k) => k !== undefined);
  const p = prefix ?? '';
  return { kind: kind ?? (p === 'u_' ? 'user' : 'item'), prefix: p, levels, tokens: tokens as string[][], ...(hasKeys ? { keys } : {}) };
}

/** The table of an `EntityIndex` (e.g. a finished run's), with the entities' own tokens where given. */
export function indexTableOf(index: EntityIndex, keys?: readonly (string | undefined)[]): IndexTable {
  const rows = index.tokens.map((t, id) => ({ id: String(id), where: `entity ${id}`, tokens: [...t], ...(keys?.[id] !== undefined ? { key: keys[id] } : {}) }));
  return buildIndexTable(`${index.kind} index`, rows, index.kind);
}

/** Per entity: the integer code of each level and the suffix rank (undefined without one). */
export function codesOf(tokens: readonly string[]): { codes: number[]; suffix: number | undefined } {
  const codes: number[] = [];
  let suffix: number | undefined;
  for (const t of tokens) {
    const p = parseIndexToken(t)!;
    if (p.level === -1) suffix = p.code;
    else codes.push(p.code);
  }
  return { codes, suffix };
}

/**
 * Checks a table against the dataset it indexes: an id beyond the dataset's entities is an unknown
 * entity; with `keys` on both sides they must agree. `count` is the dataset's number of entities.
 */
export function checkIndexAgainst(file: string, table: IndexTable, count: number, keys?: readonly string[]): void {
  if (table.tokens.length > count) {
    throw dataFormatError(file, `key "${count}"`, `names unknown ${table.kind} ${count} (the dataset has ${count} ${table.kind}s, ids 0..${count - 1})`, `The index was made for another dataset or k-core filter; export it again for this dataset.`);
  }
  if (table.tokens.length < count) {
    throw dataFormatError(file, undefined, `indexes ${table.tokens.length} ${table.kind}s, the dataset has ${count} (${table.kind}s ${table.tokens.length}..${count - 1} have no index)`, 'Export the index again for this dataset.');
  }
  if (!keys || !table.keys) return;
  table.keys.forEach((k, id) => {
    if (k !== undefined && k !== keys[id]) throw dataFormatError(file, `id ${id}`, `${table.kind} token "${k}" differs from the dataset's "${keys[id]}" for id ${id}`, 'The index was made for another id numbering; export it again for this dataset.');
  });
}
