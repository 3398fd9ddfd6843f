import { basename } from 'node:path';
import { z } from 'zod';
import type { Corpus, ItemRecord, Review, UserRecord } from '../domain/corpus';
import type { DatasetLoader } from '../domain/dataset-loader';
import { RecError } from '../errors/rec-error';
import { dataFormatError } from './data-format-error';
import { throwIfAborted } from './throw-if-aborted';
import { applyDatasetOptions, datasetOptionsShape } from './dataset-options';
import { denseIdOrder, indexOf } from './dense-id-order';
import { findPrefix, optionalFile, type DatasetFiles } from './find-prefix';
import { parseItemText, parseReviewJson, parseUserJson, type LcrecItemText, type RawReview } from './lcrec-side-files';
import { readIdMap } from './read-id-map';
import { readJsonFile } from './read-json-file';

export const amazonLcrecConfigSchema = z
  .object({
    path: z.string().min(1).describe('Folder with X.inter.json (or the path of that file).'),
    prefix: z.string().optional().describe('The file prefix X when the folder holds several datasets.'),
    ...datasetOptionsShape,
  })
  .strict();
export type AmazonLcrecConfig = z.output<typeof amazonLcrecConfigSchema>;

const INTER = '.inter.json';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether `path` is (or holds) an LC-Rec style dataset: a `X.inter.json` file. */
export async function detectAmazonLcrec(path: string): Promise<boolean> {
  try {
    return (await findPrefix(path, [INTER])) !== undefined;
  } catch (e) {
    if (RecError.is(e, 'E_DATA_MISSING')) return true; // several datasets: it is this format, the loader will ask which
    throw e;
  }
}

/**
 * LC-Rec / LETTER style Amazon data (as in `../shared/datasets/amazon-instruments`):
 * - `X.inter.json` `{"<user id>": [item ids, chronological]}` (required);
 * - `X.item2id` / `X.user2id` `key<TAB>id` (optional; give the keys, ASIN / reviewerID, and the id space);
 * - `X.item.json` `{"<item id>": {title, description, brand, categories}}` (optional);
 * - `X.user.json` LC-Rec preferences / vague intentions, `X.review.json` reviews (optional; see lcrec-side-files);
 * - `X.inter.user.json` `{"<item id>": [user ids]}` associated users (optional; validated, path recorded in `source`).
 * Ids keep their file values when those are 0..n-1 (so `X.index.json` still lines up).
 */
export class AmazonLcrecLoader implements DatasetLoader {
  readonly name = 'amazon-lcrec';

  constructor(private readonly config: AmazonLcrecConfig) {}

  async load(options: { signal?: AbortSignal } = {}): Promise<Corpus> {
    throwIfAborted(options.signal, this.config.path);
    const files = await findPrefix(this.config.path, [INTER], this.config.prefix);
    if (!files) {
      throw new RecError('E_DATA_MISSING', `No *${INTER} file found at ${this.config.path}`, { hint: 'Point the amazon-lcrec dataset at a folder holding X.inter.json.' });
    }
    const interFile = optionalFile(files, INTER)!;
    const inter = await readJsonFile(interFile);
    const interName = basename(interFile);
    if (!isObject(inter)) throw dataFormatError(interName, undefined, 'expected an object {"<user id>": [item ids]}');
    const raw = new Map<string, string[]>();
    for (const [user, seq] of Object.entries(inter)) {
      if (!Array.isArray(seq)) throw dataFormatError(interName, `key "${user}"`, `expected a list of item ids, got ${typeof seq}`);
      if (seq.length === 0) throw dataFormatError(interName, `key "${user}"`, 'sequence is empty', 'Remove users without interactions from the file.');
      raw.set(
        user,
        seq.map((v, j) => {
          if ((typeof v !== 'number' || !Number.isInteger(v)) && (typeof v !== 'string' || v === '')) {
            throw dataFormatError(interName, `key "${user}", position ${j}`, `item id ${JSON.stringify(v)} is not an integer or a string`);
          }
          if (typeof v === 'number' && (v < 0 || !Number.isSafeInteger(v))) {
            throw dataFormatError(interName, `key "${user}", position ${j}`, `item id ${v} is ${v < 0 ? 'negative' : 'beyond 2^53 (it cannot be read exactly)'}`, 'LC-Rec item ids are non-negative integers (0..n-1); write other ids as strings, e.g. "B000FFWZKI".');
          }
          return String(v);
        }),
      );
    }
    if (raw.size === 0) throw dataFormatError(interName, undefined, 'holds no users (the object is empty)', `Fill ${interName} with {"<user id>": [item ids, oldest first]}, or point the dataset at another folder.`);
    const { items, itemIndex } = await this.items(files, raw, interName);
    const { users, userIndex } = await this.users(files, raw, interName);
    const sequences: number[][] = users.map(() => []);
    for (const [user, seq] of raw) sequences[userIndex.get(user)!] = seq.map((i) => itemIndex.get(i)!);
    const reviews = await this.reviews(files, itemIndex, userIndex, users);
    const assoc = optionalFile(files, '.inter.user.json');
    if (assoc) await this.checkAssociated(assoc, itemIndex, userIndex);
    const corpus: Corpus = {
      name: files.prefix,
      items,
      users,
      sequences,
      ...(reviews.length ? { reviews } : {}),
      source: {
        loader: this.name,
        path: files.dir,
        prefix: files.prefix,
        files: [...files.names].filter((n) => n.startsWith(`${files.prefix}.`)).sort(),
        ...(assoc ? { associatedUsers: assoc } : {}),
      },
    };
    throwIfAborted(options.signal, this.config.path);
    return applyDatasetOptions(corpus, this.config);
  }

  private async items(files: DatasetFiles, raw: Map<string, string[]>, interName: string) {
    const mapFile = optionalFile(files, '.item2id');
    const itemFile = optionalFile(files, '.item.json');
    const keys = mapFile ? await readIdMap(mapFile) : undefined;
    const texts = new Map<string, LcrecItemText>();
    if (itemFile) {
      const data = await readJsonFile(itemFile);
      if (!isObject(data)) throw dataFormatError(basename(itemFile), undefined, 'expected an object {"<item id>": {title, ...}}');
      for (const [id, v] of Object.entries(data)) {
        if (keys && !keys.has(id)) throw unknown(basename(itemFile), `key "${id}"`, 'item', id, basename(mapFile!));
        texts.set(id, parseItemText(v, basename(itemFile), id));
      }
    }
    let ids: string[];
    if (keys) {
      for (const [user, seq] of raw) for (const i of seq) if (!keys.has(i)) throw unknown(interName, `key "${user}"`, 'item', i, basename(mapFile!));
      ids = denseIdOrder(keys.keys());
    } else {
      ids = denseIdOrder([...[...raw.values()].flat(), ...texts.keys()]);
    }
    const items: ItemRecord[] = ids.map((fileId, id) => ({ id, key: keys?.get(fileId) ?? fileId, ...texts.get(fileId) }));
    return { items, itemIndex: indexOf(ids) };
  }

  private async users(files: DatasetFiles, raw: Map<string, string[]>, interName: string) {
    const mapFile = optionalFile(files, '.user2id');
    const keys = mapFile ? await readIdMap(mapFile) : undefined;
    if (keys) {
      for (const user of raw.keys()) if (!keys.has(user)) throw unknown(interName, `key "${user}"`, 'user', user, basename(mapFile!));
      for (const user of keys.keys()) {
        if (!raw.has(user)) throw dataFormatError(basename(mapFile!), `id ${user}`, `user "${keys.get(user)}" has no sequence in ${interName}`, 'Remove users without interactions from the id map.');
      }
    }
    const ids = denseIdOrder(raw.keys());
    const users: UserRecord[] = ids.map((fileId, id) => ({ id, key: keys?.get(fileId) ?? fileId }));
    return { users, userIndex: indexOf(ids) };
  }

  private async reviews(files: DatasetFiles, itemIndex: Map<string, number>, userIndex: Map<string, number>, users: UserRecord[]): Promise<Review[]> {
    const rawReviews: [string, RawReview][] = [];
    const userFile = optionalFile(files, '.user.json');
    if (userFile) {
      const name = basename(userFile);
      const { profiles, intents } = parseUserJson(await readJsonFile(userFile), name);
      for (const [user, profile] of profiles) {
        const u = userIndex.get(user);
        if (u === undefined) throw unknown(name, `key "${user}"`, 'user', user, 'the interaction file');
        users[u] = { ...users[u]!, profile };
      }
      for (const r of intents) rawReviews.push([name, r]);
    }
    const reviewFile = optionalFile(files, '.review.json');
    if (reviewFile) for (const r of parseReviewJson(await readJsonFile(reviewFile), basename(reviewFile))) rawReviews.push([basename(reviewFile), r]);
    const byPair = new Map<string, Review>();
    for (const [file, r] of rawReviews) {
      const user = userIndex.get(r.user);
      const item = itemIndex.get(r.item);
      if (user === undefined) throw unknown(file, r.where, 'user', r.user, 'the interaction file');
      if (item === undefined) throw unknown(file, r.where, 'item', r.item, 'the item id space');
      const pair = `${user},${item}`;
      const prev = byPair.get(pair);
      // A review and an intention on the same (user, item): keep the review text, add the query.
      if (prev && r.query !== undefined && prev.query === undefined) byPair.set(pair, { ...prev, query: r.query });
      else if (prev && r.query === undefined) byPair.set(pair, { ...prev, text: r.text, ...(r.summary ? { summary: r.summary } : {}), ...(r.time !== undefined ? { time: r.time } : {}) });
      else if (!prev) {
        const { where: _w, user: _u, item: _i, ...rest } = r;
        byPair.set(pair, { user, item, ...rest });
      }
    }
    return [...byPair.values()].sort((a, b) => a.user - b.user || a.item - b.item);
  }

  private async checkAssociated(file: string, itemIndex: Map<string, number>, userIndex: Map<string, number>): Promise<void> {
    const name = basename(file);
    const data = await readJsonFile(file);
    if (!isObject(data)) throw dataFormatError(name, undefined, 'expected an object {"<item id>": [user ids]}');
    for (const [item, list] of Object.entries(data)) {
      if (!itemIndex.has(item)) throw unknown(name, `key "${item}"`, 'item', item, 'the item id space');
      if (!Array.isArray(list)) throw dataFormatError(name, `key "${item}"`, 'expected a list of user ids');
      for (const u of list) if (!userIndex.has(String(u))) throw unknown(name, `key "${item}"`, 'user', String(u), 'the interaction file');
    }
  }
}

function unknown(file: string, where: string, kind: string, id: string, space: string): RecError {
  return dataFormatError(file, where, `unknown ${kind} id "${id}" (not in ${space})`, `Every ${kind} id must appear in ${space}; regenerate the files together.`);
}
