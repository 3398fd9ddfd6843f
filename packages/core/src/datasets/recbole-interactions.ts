import type { Corpus, ItemRecord, UserRecord } from '../domain/corpus';
import { dataFormatError } from './data-format-error';
import { denseIdOrder, indexOf } from './dense-id-order';
import { optionalFile, type DatasetFiles } from './find-prefix';
import { findColumn, readAtomicFile, requireColumn } from './read-atomic-file';
import { recboleItemText } from './recbole-item-text';

/**
 * RecBole per-interaction form: `X.inter` (`user_id:token item_id:token [rating:float] [timestamp:float]`),
 * optional `X.item` (item text) and `X.user` (user attributes). Each user's sequence is their
 * interactions sorted by timestamp, ties (and files without timestamps) in file order.
 * Users and items are those that occur in `X.inter`; `.item` / `.user` rows for others are ignored
 * (counted in `source`).
 */
export async function loadRecboleInteractions(files: DatasetFiles): Promise<Corpus> {
  const inter = await readAtomicFile(optionalFile(files, '.inter')!);
  const uCol = requireColumn(inter, 'user_id', ['token']);
  const iCol = requireColumn(inter, 'item_id', ['token']);
  const tCol = findColumn(inter, 'timestamp');
  if (inter.rows.length === 0) throw dataFormatError(inter.file, undefined, 'holds no interactions (only the header line)', `Add one \`user<TAB>item[<TAB>…]\` line per interaction below the header of ${inter.file}.`);
  const userOrder = denseIdOrder(inter.rows.map((r) => r[uCol]!));
  const itemOrder = denseIdOrder(inter.rows.map((r) => r[iCol]!));
  const userIndex = indexOf(userOrder);
  const itemIndex = indexOf(itemOrder);
  const perUser: { item: number; time: number; row: number }[][] = userOrder.map(() => []);
  inter.rows.forEach((r, row) => {
    const user = r[uCol]!;
    const item = r[iCol]!;
    if (user === '' || item === '') throw dataFormatError(inter.file, `line ${inter.lines[row]}`, 'empty user_id or item_id');
    let time = row;
    if (tCol !== undefined) {
      time = Number(r[tCol]);
      if (r[tCol]!.trim() === '' || !Number.isFinite(time)) throw dataFormatError(inter.file, `line ${inter.lines[row]}`, `timestamp "${r[tCol]}" is not a number`, 'timestamp:float must hold numbers (e.g. Unix seconds).');
    }
    perUser[userIndex.get(user)!]!.push({ item: itemIndex.get(item)!, time, row });
  });
  for (const list of perUser) list.sort((a, b) => a.time - b.time); // stable: ties keep file order
  const items: ItemRecord[] = itemOrder.map((key, id) => ({ id, key }));
  const users: UserRecord[] = userOrder.map((key, id) => ({ id, key }));
  const source: Record<string, unknown> = { loader: 'recbole', form: 'interactions', path: files.dir, prefix: files.prefix, files: [`${files.prefix}.inter`] };

  const itemFile = optionalFile(files, '.item');
  if (itemFile) {
    const table = await readAtomicFile(itemFile);
    const idCol = requireColumn(table, 'item_id', ['token']);
    let ignored = 0;
    table.rows.forEach((r) => {
      const id = itemIndex.get(r[idCol]!);
      if (id === undefined) ignored++;
      else items[id] = { ...items[id]!, ...recboleItemText(table, r, idCol) };
    });
    (source.files as string[]).push(`${files.prefix}.item`);
    source.itemRowsWithoutInteractions = ignored;
  }
  const userFile = optionalFile(files, '.user');
  if (userFile) {
    const table = await readAtomicFile(userFile);
    const idCol = requireColumn(table, 'user_id', ['token']);
    let ignored = 0;
    table.rows.forEach((r) => {
      const id = userIndex.get(r[idCol]!);
      if (id === undefined) return void ignored++;
      const attributes: Record<string, string> = {};
      for (const c of table.columns) if (c.index !== idCol && r[c.index]!.trim() !== '') attributes[c.name] = r[c.index]!.trim();
      users[id] = { ...users[id]!, attributes };
    });
    (source.files as string[]).push(`${files.prefix}.user`);
    source.userRowsWithoutInteractions = ignored;
  }
  return {
    name: files.prefix,
    items,
    users,
    sequences: perUser.map((l) => l.map((x) => x.item)),
    ...(tCol !== undefined ? { timestamps: perUser.map((l) => l.map((x) => x.time)) } : {}),
    source,
  };
}
