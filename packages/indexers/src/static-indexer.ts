import { readFileSync } from 'node:fs';
import type * as tf from '@tensorflow/tfjs-core';
import { RecError, Rng } from '@ed2/core';
import type { JsonValue } from '@ed2/core';
import type { StaticConfig } from './configs';
import { FrozenIndexer } from './frozen-indexer';
import { parseLevelToken } from './token-naming';

export type StaticOptions = Omit<StaticConfig, 'seed'> & { readonly seed: number };

/**
 * Reads an index file `{"<entity id>": ["<a_12>", "<b_3>", …]}` (ids 0..K−1, M tokens each, as in
 * Instruments.index.json) into row-major [K, M] codes; returns the codes, M and the largest code + 1.
 */
export function readIndexFile(path: string, prefix = ''): { codes: Int32Array; levels: number; maxCode: number } {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new RecError('E_DATA_MISSING', `static indexer: cannot read index file ${path}: ${(e as Error).message}`, { cause: e, hint: 'Pass the path of a JSON file {"<id>": ["<a_1>", …]}.' });
  }
  const keys = Object.keys(raw);
  const first = raw[keys[0]];
  const levels = Array.isArray(first) ? first.length : 0;
  if (keys.length === 0 || levels === 0) throw new RecError('E_DATA_FORMAT', `static indexer: ${path} holds no token lists`);
  const codes = new Int32Array(keys.length * levels);
  let maxCode = 0;
  for (const key of keys) {
    const id = Number(key);
    const tokens = raw[key];
    if (!Number.isInteger(id) || id < 0 || id >= keys.length) throw new RecError('E_DATA_FORMAT', `static indexer: ${path}: id "${key}" is not in 0..${keys.length - 1}`, { hint: 'Ids must be contiguous integers from 0.' });
    if (!Array.isArray(tokens) || tokens.length !== levels) throw new RecError('E_DATA_FORMAT', `static indexer: ${path}: entity ${key} has ${Array.isArray(tokens) ? tokens.length : 'no'} tokens, expected ${levels}`);
    tokens.forEach((t, m) => {
      const p = typeof t === 'string' ? parseLevelToken(t, prefix) : undefined;
      if (!p || p.level !== m) throw new RecError('E_DATA_FORMAT', `static indexer: ${path}: entity ${key} token ${m} is ${JSON.stringify(t)}, expected a level-${m} token like <${prefix}${'abcdefghijklmno'[m]}_12>`);
      codes[id * levels + m] = p.code;
      maxCode = Math.max(maxCode, p.code);
    });
  }
  return { codes, levels, maxCode };
}

/**
 * Precomputed, frozen indices: `file` (a precomputed index such as Instruments.index.json), `pseudo`
 * (entity id written in base N over M levels, most significant first) or `random` (seeded uniform codes).
 * Row i of `x` is entity i; only the number of rows is used.
 */
export class StaticIndexer extends FrozenIndexer {
  readonly name = 'static';
  readonly source: StaticOptions['source'];
  private readonly fromFile: Int32Array | undefined;

  constructor(o: StaticOptions) {
    const file = o.source === 'file' ? StaticIndexer.read(o) : undefined;
    super({ ...o, levels: file?.levels ?? o.levels, codebookSize: Math.max(o.codebookSize, (file?.maxCode ?? 0) + 1) });
    this.source = o.source;
    this.fromFile = file?.codes;
  }

  private static read(o: StaticOptions): ReturnType<typeof readIndexFile> {
    if (!o.path) throw new RecError('E_CONFIG', 'static indexer: source "file" needs a path', { hint: 'Set path to an index JSON file, or use source "pseudo" / "random".' });
    return readIndexFile(o.path, o.prefix ?? '');
  }

  /** Number of entities in the index file (undefined for generated sources). */
  get size(): number | undefined {
    return this.fromFile ? this.fromFile.length / this.levels : undefined;
  }

  protected codesFor(x: tf.Tensor2D, _refresh: boolean): Int32Array {
    return this.generate(x.shape[0]);
  }

  /** Codes of entities 0..n−1. */
  generate(n: number): Int32Array {
    const M = this.levels;
    const N = this.codebookSize;
    if (this.fromFile) {
      if (n * M > this.fromFile.length) throw new RecError('E_SHAPE', `static indexer: ${n} entities requested, the index file has ${this.fromFile.length / M}`);
      return this.fromFile.slice(0, n * M);
    }
    const codes = new Int32Array(n * M);
    if (this.source === 'pseudo') {
      if (n > N ** M) throw new RecError('E_CONFIG', `static indexer: ${n} pseudo-IDs do not fit in ${M} levels of ${N} codes`, { hint: 'Raise levels or codebookSize.' });
      for (let i = 0; i < n; i++) for (let m = M - 1, v = i; m >= 0; m--, v = Math.floor(v / N)) codes[i * M + m] = v % N;
      return codes;
    }
    const rng = new Rng(this.seed).fork(`${this.kind}/random-codes`);
    for (let i = 0; i < codes.length; i++) codes[i] = rng.int(N);
    return codes;
  }

  protected override extraMeta(): Record<string, JsonValue> {
    return { source: this.source };
  }
}
