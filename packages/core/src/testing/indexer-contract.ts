import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Indexer } from '../domain/indexer';
import { Rng } from '../random/rng';

export interface IndexerContractSubject {
  readonly indexer: Indexer;
  /** Entity representations [n, d]; the suite disposes them. */
  readonly x: tf.Tensor2D;
}

export interface IndexerContractOptions {
  /** Epochs for `fit` (default 2). */
  readonly epochs?: number;
}

/**
 * `n` points in `clusters` well-separated Gaussian blobs in `dim` dimensions (a learnable structure
 * for indexers), deterministic for a seed. Returns [n, dim] (caller disposes).
 */
export function clusteredPoints(n: number, dim: number, clusters: number, seed = 1, spread = 0.15): tf.Tensor2D {
  const rng = new Rng(seed);
  const centers = Array.from({ length: clusters }, () => Array.from({ length: dim }, () => rng.normal()));
  const data = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = centers[i % clusters];
    for (let j = 0; j < dim; j++) data[i * dim + j] = c[j] + spread * rng.normal();
  }
  return tf.tensor2d(data, [n, dim]);
}

/**
 * Declares the vitest suite every indexer plugin must pass. `make` builds a fresh, identically seeded
 * indexer and its data (called three times: two instances must agree, the third receives a `load`).
 */
export function indexerContract(name: string, make: () => Promise<IndexerContractSubject> | IndexerContractSubject, options: IndexerContractOptions = {}): void {
  const { epochs = 2 } = options;
  describe(`indexer contract: ${name}`, () => {
    let base = 0;
    const built: IndexerContractSubject[] = [];
    const codes: Int32Array[] = [];
    let dir = '';

    beforeAll(async () => {
      base = tf.memory().numTensors;
      dir = await mkdtemp(join(tmpdir(), 'indexer-contract-'));
      for (let i = 0; i < 3; i++) built.push(await make());
      for (let i = 0; i < 2; i++) {
        await built[i].indexer.fit(built[i].x, { epochs });
        codes.push(await built[i].indexer.assign(built[i].x));
      }
    });
    afterAll(async () => {
      for (const b of built) {
        b.indexer.dispose();
        b.x.dispose();
      }
      await rm(dir, { recursive: true, force: true });
    });

    it('assign gives int32 [n, M] codes in [0, N)', () => {
      const { indexer, x } = built[0];
      expect(codes[0]).toBeInstanceOf(Int32Array);
      expect(codes[0].length).toBe(x.shape[0] * indexer.levels);
      expect(codes[0].every((c) => Number.isInteger(c) && c >= 0 && c < indexer.codebookSize)).toBe(true);
    });

    it('index has one unique, prefix-free token sequence per entity, all in the vocabulary', () => {
      const { indexer, x } = built[0];
      const index = indexer.index();
      expect(index.kind).toBe(indexer.kind);
      expect(index.tokens.length).toBe(x.shape[0]);
      const vocab = new Set(index.vocabulary);
      expect(vocab.size).toBe(index.vocabulary.length);
      const texts = index.tokens.map((t) => t.join(' '));
      expect(new Set(texts).size).toBe(texts.length);
      for (const t of index.tokens) {
        expect(t.length === indexer.levels || t.length === indexer.levels + 1).toBe(true);
        for (const tok of t) expect(vocab.has(tok)).toBe(true);
      }
      const full = new Set(index.tokens.map((t) => t.join(' ')));
      for (const t of index.tokens) if (t.length > indexer.levels) expect(full.has(t.slice(0, indexer.levels).join(' '))).toBe(false);
      expect(indexer.stats().collisionRateAfter).toBe(0);
    });

    it('the same seed gives the same codes', () => {
      expect(Array.from(codes[1])).toEqual(Array.from(codes[0]));
      expect(built[1].indexer.index().tokens).toEqual(built[0].indexer.index().tokens);
    });

    it('save → load into a fresh instance gives identical codes and index', async () => {
      await built[0].indexer.save(dir);
      const fresh = built[2];
      await fresh.indexer.load(dir);
      expect(fresh.indexer.index().tokens).toEqual(built[0].indexer.index().tokens);
      expect(Array.from(await fresh.indexer.assign(fresh.x))).toEqual(Array.from(codes[0]));
    });

    it('losses: finite scalars, probability rows, [n, D] codewords and inputs, no leaked tensors', () => {
      const { indexer, x } = built[0];
      const n = x.shape[0];
      const before = tf.memory().numTensors;
      for (const training of [true, false]) {
        const out = indexer.losses(x, { training, seed: 3 });
        try {
          for (const s of [out.total, out.recon, out.commit]) expect(Number.isFinite(s.dataSync()[0])).toBe(true);
          expect(out.probs.length).toBe(indexer.levels);
          expect(out.chosen.length).toBe(indexer.levels);
          expect(out.inputs.length).toBe(indexer.levels);
          expect(out.codes.shape).toEqual([n, indexer.levels]);
          for (let m = 0; m < indexer.levels; m++) {
            expect(out.probs[m].shape).toEqual([n, indexer.codebookSize]);
            const sums = tf.tidy(() => tf.sum(out.probs[m], 1).dataSync());
            for (const s of sums) expect(s).toBeCloseTo(1, 3);
            expect(out.chosen[m].shape).toEqual([n, indexer.codeDim]);
            expect(out.inputs[m].shape[0]).toBe(n);
          }
        } finally {
          tf.dispose([out.total, out.recon, out.commit, ...out.probs, ...out.chosen, ...out.inputs, out.codes]);
        }
      }
      expect(tf.memory().numTensors).toBe(before);
    });

    it('codebooks are [N, D] variables owned by the indexer; stats are sane', () => {
      const { indexer } = built[0];
      const owned = new Set(indexer.variables());
      expect(indexer.codebooks().length).toBe(indexer.levels);
      for (const c of indexer.codebooks()) {
        expect(c.shape).toEqual([indexer.codebookSize, indexer.codeDim]);
        expect(owned.has(c)).toBe(true);
      }
      const s = indexer.stats(codes[0]);
      expect(s.usage.length).toBe(indexer.levels);
      for (const u of s.usage) expect(u > 0 && u <= 1).toBe(true);
      for (const p of s.perplexity) expect(p >= 1 && p <= indexer.codebookSize + 1e-6).toBe(true);
      expect(s.collisionRate >= 0 && s.collisionRate < 1).toBe(true);
    });

    it('dispose frees every tensor the indexers made', () => {
      for (const b of built) {
        b.indexer.dispose();
        b.x.dispose();
      }
      built.length = 0;
      expect(tf.memory().numTensors).toBe(base);
    });
  });
}
