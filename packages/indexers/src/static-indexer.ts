import type * as tf from '@tensorflow/tfjs-core';
import { RecError, Rng, dataFormatError, readTextFileSync } from '@ed2/core';
import type { JsonValue } from '@ed2/core';
import type { StaticConfig } from './configs';
import { FrozenIndexer } from './frozen-indexer';
import { codesOf } from './index-table';
import { lcrecJsonIndexFormat } from './lcrec-json-index-format';

export type StaticOptions = Omit<StaticConfig, 'seed'> & { readonly seed: number };

/**
 * Reads an index file `{"<entity id>": ["<a_12>", "<b_3>", …]}` (ids 0..K−1, M level tokens each, an
 * optional `<p_k>` suffix ignored, as in Instruments.index.json; BOM and CRLF tolerated) into row-major
 * [K, M] codes; returns the codes, M and the largest code + 1. Malformed files are E_DATA_FORMAT naming
 * the file and key.
 */
export function readIndexFile(path: string, prefix = ''): { codes: Int32Array; levels: number; maxCode: number } {
  let text: string;
  try {
    text = readTextFileSync(path);
  } catch (e) {
    throw new RecError('E_DATA_MISSING', `static indexer: cannot read index file ${path}: ${(e as Error).message}`, { cause: e, hint: 'Pass the path of a JSON file {"<id>": ["<a_1>", …]}.' });
  }
  const table = lcrecJsonIndexFormat.parse(text, path);
  if (table.prefix !== prefix) {
    throw dataFormatError(path, 'key "0"', `tokens have prefix "${table.prefix}" (${table.tokens[0]![0]}), this branch expects "${prefix}"`, `Use an index file of this branch, or set the static indexer's prefix to "${table.prefix}".`);
  }
  const levels = table.levels;
  const codes = new Int32Array(table.tokens.length * levels);
  let maxCode = 0;
  table.tokens.forEach((t, id) => {
    codesOf(t).codes.forEach((c, m) => {
      codes[id * levels + m] = c;
      maxCode = Math.max(maxCode, c);
    });
  });
  return { codes, levels, maxCode };
}

/**
 * Precomputed, frozen indices: `file` (a precomputed index such as Instruments.index.json), `pseudo`
 * (entity id written in base N over M levels, most significant first) or `random` (seeded uniform codes).
 * Row i of `x` is entity i; only the number of rows is used.
 */
export class StaticIndexer extends FrozenIndexer {
  readonly name = 'static';
  readonly usesFeatures = false;
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
