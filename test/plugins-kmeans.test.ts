import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { container } from 'tsyringe';
import { PluginRegistry, Rng, Tokens, loadPluginPackage, type Indexer } from '@ed2/core';
import { clusteredPoints, indexerContract, manifestContract } from '@ed2/core/testing';
import { describe, expect, it } from 'vitest';

// The example third-party plugin, loaded as a library user would: no CLI, no oclif.
const FIXTURE = join(__dirname, 'fixtures/kmeans-indexer-plugin');
const plugin = loadPluginPackage(FIXTURE);
const registry = new PluginRegistry();
registry.register(plugin.manifest);
const scope = () => container.createChildContainer();

manifestContract(plugin.manifest);
indexerContract('kmeans (fixture plugin)', async () => ({
  indexer: await registry.create('indexers', 'kmeans', scope(), { levels: 2, codebookSize: 4, seed: 11 }),
  x: clusteredPoints(48, 6, 4, 7),
}));

/** Sum of squared distances of points to their group means (the k-means objective of a partition). */
function sse(points: readonly number[], groups: readonly number[], k: number): number {
  let total = 0;
  for (let c = 0; c < k; c++) {
    const members = points.filter((_, i) => groups[i] === c);
    if (!members.length) continue;
    const mean = members.reduce((a, b) => a + b, 0) / members.length;
    total += members.reduce((a, p) => a + (p - mean) ** 2, 0);
  }
  return total;
}

describe('rec-plugin-kmeans (example third-party plugin)', () => {
  it('is found by loadPluginPackage with its package metadata, and creates through the registry typed as an Indexer', async () => {
    expect(plugin).toMatchObject({ name: 'rec-plugin-kmeans', version: '0.1.0', root: FIXTURE, entry: join(FIXTURE, 'plugin.js') });
    expect(registry.names('indexers')).toEqual(['kmeans']);
    const ix: Indexer = await registry.create('indexers', 'kmeans', scope(), { seed: 1 });
    expect([ix.name, ix.kind, ix.levels, ix.codebookSize, ix.trainable]).toEqual(['kmeans', 'item', 3, 256, false]);
    ix.dispose();
    // without a seed and outside a run there is no silent default
    await expect(registry.create('indexers', 'kmeans', scope(), {})).rejects.toThrow(/kmeans needs a seed/);
    const s = scope();
    s.register(Tokens.Rng, { useValue: new Rng(5) });
    const a = await registry.create('indexers', 'kmeans', s, {});
    expect(a.levels).toBe(3);
    a.dispose();
  });

  it('level 0 recovers well-separated blobs exactly; the residual levels lower the reconstruction error', async () => {
    const x = clusteredPoints(60, 5, 5, 3, 0.05); // point i belongs to blob i % 5
    const ix = await registry.create('indexers', 'kmeans', scope(), { levels: 3, codebookSize: 5, seed: 2 });
    await ix.fit(x);
    const codes = await ix.assign(x);
    const first = Array.from({ length: 60 }, (_, i) => codes[i * 3]);
    // same blob ⇔ same first code (a partition equal to the generator's, up to the cluster labels)
    for (let i = 0; i < 60; i++) for (let j = 0; j < 60; j++) expect(first[i] === first[j]).toBe(i % 5 === j % 5);
    // reconstruction error of x by Σ_{l≤m} C_l[code_l], computed here from the codebooks, falls level by level
    const xs = x.arraySync();
    const books = ix.codebooks().map((b) => b.arraySync());
    const errors = [0, 1, 2].map((m) => {
      let e = 0;
      for (let i = 0; i < 60; i++) {
        for (let j = 0; j < 5; j++) {
          let r = xs[i][j];
          for (let l = 0; l <= m; l++) r -= books[l][codes[i * 3 + l]][j];
          e += r * r;
        }
      }
      return e;
    });
    expect(errors[1]).toBeLessThan(errors[0]);
    expect(errors[2]).toBeLessThan(errors[1]);
    const losses = ix.losses(x, { training: false });
    expect(losses.recon.dataSync()[0]).toBeCloseTo(errors[2] / (60 * 5), 5);
    tf.dispose([losses.total, losses.recon, losses.commit, ...losses.probs, ...losses.chosen, ...losses.inputs, losses.codes]);
    ix.dispose();
    x.dispose();
  });

  it('one level on 1-D points reaches the optimal 3-partition found by brute force over all 3^8 labelings', async () => {
    const points = [0, 0.4, 0.5, 3, 3.2, 7.9, 8, 8.6];
    let best = Infinity;
    for (let code = 0; code < 3 ** points.length; code++) {
      const groups = points.map((_, i) => Math.floor(code / 3 ** i) % 3);
      best = Math.min(best, sse(points, groups, 3));
    }
    const x = tf.tensor2d(points, [points.length, 1]);
    const ix = await registry.create('indexers', 'kmeans', scope(), { levels: 1, codebookSize: 3, seed: 4 });
    await ix.fit(x);
    const codes = Array.from(await ix.assign(x));
    expect(sse(points, codes, 3)).toBeCloseTo(best, 10);
    ix.dispose();
    x.dispose();
  });

  it('identical entities get seeded <p_k> suffixes (0, 1, … per collision set) so every index is unique', async () => {
    const x = tf.tensor2d([1, 1, 1, 1, 1, 1, 9, 9, 9, 9, 5, 5], [6, 2]); // 3 × (1,1), 2 × (9,9), 1 × (5,5)
    const ix = await registry.create('indexers', 'kmeans', scope(), { levels: 2, codebookSize: 3, seed: 8, suffixTokens: 0 });
    await ix.fit(x);
    const index = ix.index();
    const sets = [[0, 1, 2], [3, 4], [5]];
    for (const set of sets) {
      const suffixes = set.map((i) => index.tokens[i][2]).sort();
      if (set.length === 1) expect(index.tokens[set[0]].length).toBe(2);
      else expect(suffixes).toEqual(set.map((_, r) => `<p_${r}>`));
    }
    expect(new Set(index.tokens.map((t) => t.join(''))).size).toBe(6);
    // the vocabulary holds the M·N level tokens and as many suffixes as the largest collision set (3)
    expect(index.vocabulary.length).toBe(2 * 3 + 3);
    const s = ix.stats();
    expect([s.maxCollisionSet, s.collisionRateAfter, s.collisionRate]).toEqual([3, 0, 1 - 3 / 6]);
    ix.dispose();
    x.dispose();
  });
});
