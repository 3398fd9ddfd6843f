import { basename } from 'node:path';
import type { Corpus, ItemRecord, UserRecord } from '../domain/corpus';
import { dataFormatError } from './data-format-error';
import { denseIdOrder, indexOf } from './dense-id-order';
import { optionalFile, type DatasetFiles } from './find-prefix';
import { readAtomicFile, requireColumn, type AtomicTable } from './read-atomic-file';
import { readIdMap } from './read-id-map';
import { recboleItemText } from './recbole-item-text';

interface Row {
  readonly hist: readonly string[];
  readonly target: string;
  readonly file: string;
  readonly line: number;
}

const PARTS = ['train', 'valid', 'test'] as const;

function rowsOf(table: AtomicTable, byUser: Map<string, Record<string, Row[]>>, part: string): number {
  const u = requireColumn(table, 'user_id', ['token']);
  const h = requireColumn(table, 'item_id_list', ['token_seq']);
  const t = requireColumn(table, 'item_id', ['token']);
  let maxLen = 0;
  table.rows.forEach((r, k) => {
    const hist = r[h]!.trim() === '' ? [] : r[h]!.trim().split(/\s+/);
    maxLen = Math.max(maxLen, hist.length);
    if (r[t]!.trim() === '') throw dataFormatError(table.file, `line ${table.lines[k]}`, 'empty item_id');
    let parts = byUser.get(r[u]!);
    if (!parts) byUser.set(r[u]!, (parts = {}));
    (parts[part] ??= []).push({ hist, target: r[t]!.trim(), file: table.file, line: table.lines[k]! });
  });
  return maxLen;
}

/** Append `row` to `seq` after checking its history is the end of `seq` (possibly truncated to `maxLen`). */
function extend(seq: string[], row: Row, maxLen: number): void {
  if (seq.length === 0) {
    seq.push(...row.hist, row.target);
    return;
  }
  const n = row.hist.length;
  const fits = (n === seq.length || (n === maxLen && n < seq.length)) && row.hist.every((x, k) => x === seq[seq.length - n + k]);
  if (!fits) {
    throw dataFormatError(row.file, `line ${row.line}`, `item_id_list does not continue this user's sequence rebuilt from the earlier rows (expected ${seq.length} items ending in ${seq.slice(-3).join(' ')})`, 'The train/valid/test files must come from the same leave-one-out split.');
  }
  seq.push(row.target);
}

/**
 * RecBole pre-split sequence form (UniSRec processing, as in `../shared/datasets/amazon-scientific`):
 * `X.train.inter` / `X.valid.inter` / `X.test.inter` with `user_id:token item_id_list:token_seq item_id:token`
 * (the train file holds every training prefix), optional `X.item2index` / `X.user2index` (`key<TAB>index`)
 * and `X.text` (`item_id:token text:token_seq`, keyed by the item key). Rebuilds each user's full sequence
 * (train prefixes in order, then the valid and test targets) so `leaveOneOut` gives back the files' own
 * valid/test cases; histories the files truncated to their maximum length are checked on their last items.
 */
export async function loadRecbolePresplit(files: DatasetFiles): Promise<Corpus> {
  const byUser = new Map<string, Record<string, Row[]>>();
  let maxLen = 0;
  const used: string[] = [];
  for (const part of PARTS) {
    const path = optionalFile(files, `.${part}.inter`);
    if (!path) {
      if (part === 'train') continue;
      throw dataFormatError(`${files.prefix}.${part}.inter`, undefined, 'file is missing', `The pre-split form needs ${files.prefix}.valid.inter and ${files.prefix}.test.inter next to ${files.prefix}.train.inter.`);
    }
    maxLen = Math.max(maxLen, rowsOf(await readAtomicFile(path), byUser, part));
    used.push(basename(path));
  }
  if (byUser.size === 0) throw dataFormatError(used.join(', '), undefined, 'hold no interactions (only header lines)', 'Each .inter file needs one `user<TAB>history<TAB>target` line per case below its header.');
  const itemMapFile = optionalFile(files, '.item2index');
  const userMapFile = optionalFile(files, '.user2index');
  const itemKeys = itemMapFile ? await readIdMap(itemMapFile) : undefined;
  const userKeys = userMapFile ? await readIdMap(userMapFile) : undefined;

  const seqs = new Map<string, string[]>();
  for (const [user, parts] of byUser) {
    if (userKeys && !userKeys.has(user)) {
      const r = Object.values(parts)[0]![0]!;
      throw dataFormatError(r.file, `line ${r.line}`, `unknown user id "${user}" (not in ${basename(userMapFile!)})`);
    }
    const train = parts.train ?? [];
    for (const part of PARTS.slice(1)) if ((parts[part]?.length ?? 0) > 1) throw dataFormatError(parts[part]![1]!.file, `line ${parts[part]![1]!.line}`, `user "${user}" has a second ${part} case`);
    // UniSRec writes each user's training prefixes longest first; accept either order.
    const decreasing = train.every((r, k) => k === 0 || r.hist.length <= train[k - 1]!.hist.length);
    const ordered = decreasing && train.length > 1 && train[0]!.hist.length > train[train.length - 1]!.hist.length ? [...train].reverse() : train;
    const seq: string[] = [];
    for (const row of [...ordered, ...(parts.valid ?? []), ...(parts.test ?? [])]) {
      if (itemKeys) for (const i of [...row.hist, row.target]) if (!itemKeys.has(i)) throw dataFormatError(row.file, `line ${row.line}`, `unknown item id "${i}" (not in ${basename(itemMapFile!)})`);
      extend(seq, row, maxLen);
    }
    seqs.set(user, seq);
  }
  if (userKeys) {
    for (const [id, key] of userKeys) if (!seqs.has(id)) throw dataFormatError(basename(userMapFile!), `id ${id}`, `user "${key}" has no rows in the .inter files`);
  }
  const userOrder = denseIdOrder(seqs.keys());
  const itemOrder = denseIdOrder(itemKeys ? itemKeys.keys() : [...seqs.values()].flat());
  const itemIndex = indexOf(itemOrder);
  const items: ItemRecord[] = itemOrder.map((tok, id) => ({ id, key: itemKeys?.get(tok) ?? tok }));
  const users: UserRecord[] = userOrder.map((tok, id) => ({ id, key: userKeys?.get(tok) ?? tok }));
  const source: Record<string, unknown> = { loader: 'recbole', form: 'pre-split', path: files.dir, prefix: files.prefix, files: used, maxHistoryLength: maxLen };

  const textFile = optionalFile(files, '.text');
  if (textFile) {
    const table = await readAtomicFile(textFile);
    const idCol = requireColumn(table, 'item_id', ['token']);
    const byKey = new Map(items.map((it) => [it.key, it.id]));
    let ignored = 0;
    for (const r of table.rows) {
      const id = byKey.get(r[idCol]!);
      if (id === undefined) ignored++;
      else items[id] = { ...items[id]!, ...recboleItemText(table, r, idCol) };
    }
    used.push(basename(textFile));
    source.textRowsForUnknownItems = ignored;
  }
  for (const f of [itemMapFile, userMapFile]) if (f) used.push(basename(f));
  return { name: files.prefix, items, users, sequences: userOrder.map((u) => seqs.get(u)!.map((i) => itemIndex.get(i)!)), source };
}
