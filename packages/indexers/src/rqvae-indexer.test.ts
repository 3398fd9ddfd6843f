import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { clusteredPoints, indexerContract } from '@ed2/core/testing';
import { rqvaeConfig } from './configs';
import { RqvaeIndexer } from './rqvae-indexer';

const small = (over: Record<string, unknown> = {}) =>
  new RqvaeIndexer({ ...rqvaeConfig.parse({ levels: 3, codebookSize: 8, codeDim: 4, batchSize: 32, epochs: 2, initSamples: 64, learningRate: 3e-3, ...over }), seed: 9 });

indexerContract('rqvae', () => ({ indexer: small(), x: clusteredPoints(96, 16, 6, 1) }));

describe('rqvae', () => {
  it('losses decrease on clustered data', async () => {
    const x = clusteredPoints(128, 16, 8, 3);
    const ix = small({ kmeansInit: false });
    const report = await ix.fit(x, { epochs: 8 });
    expect(report.history[7].loss).toBeLessThan(report.history[0].loss);
    expect(report.history[7].recon).toBeLessThan(report.history[0].recon);
    ix.dispose();
    x.dispose();
  });

  it('straight-through: encoder and codebooks get finite non-zero gradients; probs are one-hot', async () => {
    const x = clusteredPoints(64, 16, 6, 2);
    const ix = small();
    await ix.fit(x, { epochs: 1 });
    const { value, grads } = tf.variableGrads(() => ix.losses(x, { training: true, seed: 1 }).total, ix.variables().filter((v) => v.trainable));
    for (const part of ['encoder', 'codebook', 'decoder']) {
      const ns = Object.keys(grads).filter((k) => k.includes(part)).map((k) => tf.tidy(() => tf.norm(grads[k]).dataSync()[0]));
      expect(ns.every(Number.isFinite)).toBe(true);
      expect(Math.max(...ns)).toBeGreaterThan(0);
    }
    tf.dispose([value, ...Object.values(grads)]);
    const out = ix.losses(x, { training: false });
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(tf.sum(out.probs[0], 1), 1))).dataSync()[0])).toBe(0);
    expect(Array.from(out.codes.dataSync())).toEqual(Array.from(await ix.assign(x)));
    tf.dispose([out.total, out.recon, out.commit, ...out.probs, ...out.chosen, ...out.inputs, out.codes]);
    ix.dispose();
    x.dispose();
  });

  it('Sinkhorn re-assignment on the last level lowers collisions', async () => {
    // 12 tight clusters of 10 points, 2 levels of 4 codes: many entities share codes
    const x = clusteredPoints(120, 8, 12, 4, 0.3);
    const plain = small({ levels: 2, codebookSize: 4, epochs: 1 });
    const sink = small({ levels: 2, codebookSize: 4, epochs: 1, sinkhorn: true });
    await plain.fit(x);
    await sink.fit(x);
    const before = plain.stats();
    const after = sink.stats();
    expect(after.collisionRate).toBeLessThan(before.collisionRate);
    expect(after.collisionRateAfter).toBe(0);
    tf.dispose(x);
    plain.dispose();
    sink.dispose();
  });
});
