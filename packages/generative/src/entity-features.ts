import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { RecError, readSafetensors, type Corpus, type ItemRecord, type Review, type Split } from '@ed2/core';
import { itemText, preferenceSummary } from '@ed2/tasks';

/** Item text for semantic extraction: title, description, brand, categories (DESIGN §1.1). */
export function itemTexts(corpus: Corpus): string[] {
  return corpus.items.map(itemTextOf);
}

/** One item's text (as `itemTexts`), also for items added after training. */
export function itemTextOf(it: Omit<ItemRecord, 'id'>): string {
  return itemText(it as ItemRecord, ['title', 'description', 'brand', 'categories'], 96) ?? `item ${it.key}`;
}

/** User text: the profile, else the user's reviews, else a summary of the training history's titles and categories. */
export function userTexts(corpus: Corpus, split: Split): string[] {
  const reviews = new Map<string, Review>();
  for (const r of corpus.reviews ?? []) if (!reviews.has(`${r.user}:${r.item}`)) reviews.set(`${r.user}:${r.item}`, r);
  return corpus.users.map((u) => preferenceSummary(corpus, u.id, split.train[u.id] ?? [], reviews, { sources: ['profile', 'reviews', 'history'], maxWords: 64, topK: 5 })?.text ?? `user ${u.key}`);
}

/** `.npy` float32/float64 2-D, C order (the format numpy.save writes). Hand-written: 20 lines, no package reads it without numpy. */
function readNpy(path: string): { data: Float32Array; shape: [number, number] } {
  const buf = readFileSync(path);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new RecError('E_DATA_FORMAT', `${path} is not a .npy file`, { hint: 'Write it with numpy.save(path, array.astype("float32")).' });
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + hlen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shape = (/'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (fortran || shape.length !== 2 || (descr !== '<f4' && descr !== '<f8')) {
    throw new RecError('E_DATA_FORMAT', `${path}: expected a 2-D little-endian float32/float64 C-order array, got descr ${descr}, shape (${shape.join(', ')})${fortran ? ', Fortran order' : ''}`, { hint: 'numpy.save(path, np.ascontiguousarray(x, dtype=np.float32))' });
  }
  const body = buf.subarray(start + hlen);
  const n = shape[0] * shape[1];
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = descr === '<f4' ? body.readFloatLE(i * 4) : body.readDoubleLE(i * 8);
  return { data, shape: [shape[0], shape[1]] };
}

/** Whether any user text source exists: profiles, reviews, or item titles/descriptions a history summary can quote. */
export function hasUserText(corpus: Corpus): boolean {
  return corpus.users.some((u) => u.profile) || (corpus.reviews?.length ?? 0) > 0 || corpus.items.some((it) => it.title || it.description);
}

/**
 * User features as the mean of the feature rows of the user's training items (data with item features but no user
 * text, e.g. Instruments with --item-features): a user is where their history sits in the item space. A user with no
 * training item gets the mean of all items.
 */
export async function historyMeanFeatures(items: tf.Tensor2D, split: Split): Promise<tf.Tensor2D> {
  const [n, d] = items.shape;
  const x = (await items.data()) as Float32Array;
  const all = new Float32Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) all[j] += x[i * d + j] / n;
  const out = new Float32Array(split.numUsers * d);
  for (let u = 0; u < split.numUsers; u++) {
    const hist = split.train[u] ?? [];
    const row = out.subarray(u * d, (u + 1) * d);
    if (!hist.length) row.set(all);
    for (const it of hist) for (let j = 0; j < d; j++) row[j] += x[it * d + j] / hist.length;
  }
  return tf.tensor2d(out, [split.numUsers, d]);
}

/**
 * Item features from a file instead of encoded text (data without item text, e.g. Instruments):
 * `run:<dir>` takes the best item embeddings of a finished SASRec/GRU4Rec run (row 0, the padding row, dropped);
 * a `.safetensors` file its only tensor (or one named `items`); a `.npy` file its array. Rows must equal the items.
 */
export async function loadItemFeatures(spec: string, numItems: number): Promise<tf.Tensor2D> {
  let x: tf.Tensor2D;
  if (spec.startsWith('run:')) {
    const dir = spec.slice(4);
    const file = join(dir, 'checkpoint', 'tensors.safetensors');
    if (!existsSync(file)) throw new RecError('E_DATA_MISSING', `--item-features ${spec}: ${file} does not exist`, { hint: 'Point run: at the folder of a finished `rec run --model sasrec` on the same dataset.' });
    const { tensors } = await readSafetensors(file);
    const t = tensors['best/item/embedding'] ?? tensors['item/embedding'];
    if (!t) {
      tf.dispose(Object.values(tensors));
      throw new RecError('E_DATA_FORMAT', `--item-features ${spec}: the checkpoint has no item/embedding tensor`, { hint: 'Use a SASRec or GRU4Rec run folder.' });
    }
    x = tf.tidy(() => tf.slice(t, [1, 0], [t.shape[0] - 1, -1]) as tf.Tensor2D);
    tf.dispose(Object.values(tensors));
  } else if (/\.npy$/i.test(spec)) {
    if (!existsSync(spec)) throw new RecError('E_DATA_MISSING', `--item-features ${spec} does not exist`, { hint: 'Check the path.' });
    const { data, shape } = readNpy(spec);
    x = tf.tensor2d(data, shape);
  } else if (/\.safetensors$/i.test(spec)) {
    if (!existsSync(spec) || !statSync(spec).isFile()) throw new RecError('E_DATA_MISSING', `--item-features ${spec} does not exist`, { hint: 'Check the path.' });
    const { tensors } = await readSafetensors(spec);
    const names = Object.keys(tensors);
    const name = names.length === 1 ? names[0] : names.includes('items') ? 'items' : undefined;
    if (!name) {
      tf.dispose(Object.values(tensors));
      throw new RecError('E_DATA_FORMAT', `--item-features ${spec} holds ${names.length} tensors (${names.slice(0, 5).join(', ')}); expected one, or one named "items"`, { hint: 'Save the [numItems, d] matrix alone or under the name "items".' });
    }
    x = tf.cast(tensors[name], 'float32') as tf.Tensor2D;
    tf.dispose(Object.values(tensors));
  } else {
    throw new RecError('E_CONFIG', `--item-features "${spec}" is neither run:<dir> nor a .safetensors / .npy file`, { hint: 'e.g. --item-features run:runs/sasrec-instruments or --item-features items.npy' });
  }
  if (x.rank !== 2 || x.shape[0] !== numItems) {
    const shape = x.shape.join(', ');
    x.dispose();
    throw new RecError('E_SHAPE', `--item-features ${spec} has shape [${shape}], expected [${numItems}, d] (one row per item)`, { hint: 'Use features made on the same dataset (same k-core, same item ids).' });
  }
  return x;
}
