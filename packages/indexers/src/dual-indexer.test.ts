import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { EventBus } from '@ed2/core';
import { clusteredPoints } from '@ed2/core/testing';
import { hvqaeConfig } from './configs';
import { DualIndexer } from './dual-indexer';
import { DynamicReindexer } from './dynamic-reindexer';
import { HvqaeIndexer } from './hvqae-indexer';

const branch = (kind: 'item' | 'user', seed: number) =>
  new HvqaeIndexer({ ...hvqaeConfig.parse({ kind, levels: 2, codebookSize: 8, codeDim: 4, batchSize: 32, epochs: 1, initSamples: 48 }), seed });

describe('DualIndexer', () => {
  it('has disjoint item / user token sets and saves and loads both branches', async () => {
    const base = tf.memory().numTensors;
    const [xi, xu] = [clusteredPoints(48, 12, 4, 1), clusteredPoints(40, 10, 4, 2)];
    const dual = new DualIndexer(branch('item', 1), branch('user', 2));
    await dual.fit(xi, xu);
    const { item, user } = dual.index();
    expect(item.kind).toBe('item');
    expect(user!.kind).toBe('user');
    expect(item.tokens[0][0]).toMatch(/^<a_\d+>$/);
    expect(user!.tokens[0][0]).toMatch(/^<u_a_\d+>$/);
    const vocab = dual.vocabulary();
    expect(new Set(vocab).size).toBe(vocab.length);
    const dir = await mkdtemp(join(tmpdir(), 'dual-'));
    await dual.save(dir);
    const again = new DualIndexer(branch('item', 1), branch('user', 2));
    await again.load(dir);
    expect(again.index()).toEqual(dual.index());
    await rm(dir, { recursive: true, force: true });
    dual.dispose();
    again.dispose();
    tf.dispose([xi, xu]);
    expect(tf.memory().numTensors).toBe(base);
  });

  it('rejects two branches of the same kind or prefix', () => {
    const a = branch('item', 1);
    const b = branch('item', 2);
    expect(() => new DualIndexer(a, b)).toThrow(/item and a user branch/);
    a.dispose();
    b.dispose();
  });
});

describe('DynamicReindexer', () => {
  it('re-assigns on schedule and reports how many entities changed index', async () => {
    const x = clusteredPoints(48, 12, 4, 3);
    const ix = branch('item', 4);
    await ix.fit(x);
    const events = new EventBus();
    const seen: number[] = [];
    events.on((e) => e.type === 'metric' && seen.push(e.value));
    const dyn = new DynamicReindexer(ix, 2, events, ix.codes());
    expect(await dyn.onStep(1, () => x)).toBeUndefined();
    const same = await dyn.onStep(2, () => x);
    expect(same!.changed).toBe(0);
    await ix.fit(x, { epochs: 3 }); // the indexer keeps training (joint training stand-in)
    const moved = tf.mul(x, -1) as tf.Tensor2D;
    const after = await dyn.reindex(4, moved);
    expect(after.changed).toBeGreaterThan(0);
    expect(after.index.tokens.length).toBe(48);
    expect(seen).toEqual([0, after.changed]);
    tf.dispose([x, moved]);
    ix.dispose();
  });
});
