import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { clusteredPoints, indexerContract } from '@ed2/core/testing';
import { hvqaeConfig } from './configs';
import { HvqaeIndexer } from './hvqae-indexer';

const small = (over: Record<string, unknown> = {}) =>
  new HvqaeIndexer({ ...hvqaeConfig.parse({ levels: 3, codebookSize: 8, codeDim: 4, batchSize: 32, epochs: 2, initSamples: 64, learningRate: 3e-3, ...over }), seed: 7 });

indexerContract('hvqae', () => ({ indexer: small(), x: clusteredPoints(96, 16, 6, 1) }));

describe('hvqae estimator', () => {
  it('gives finite, non-zero gradients to encoder, κ heads and codebooks', async () => {
    const x = clusteredPoints(64, 16, 6, 2);
    const ix = small();
    await ix.fit(x, { epochs: 1 });
    const vars = ix.variables();
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => {
      const out = ix.losses(x, { training: true, seed: 5 });
      return out.total;
    }, vars.filter((v) => v.trainable));
    const norm = (name: string) => {
      const ks = Object.keys(grads).filter((k) => k.includes(name));
      expect(ks.length).toBeGreaterThan(0);
      return ks.map((k) => tf.tidy(() => tf.norm(grads[k]).dataSync()[0]));
    };
    for (const part of ['encoder', 'kappa_w', 'kappa_b', 'codebook']) {
      const ns = norm(part);
      expect(ns.every(Number.isFinite)).toBe(true);
      expect(Math.max(...ns)).toBeGreaterThan(0);
    }
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    ix.dispose();
    x.dispose();
  });

  it('losses decrease on clustered data', async () => {
    const x = clusteredPoints(128, 16, 8, 3);
    const ix = small({ kmeansInit: false });
    const report = await ix.fit(x, { epochs: 8 });
    const first = report.history[0];
    const last = report.history[report.history.length - 1];
    expect(last.loss).toBeLessThan(first.loss);
    expect(last.recon).toBeLessThan(first.recon);
    ix.dispose();
    x.dispose();
  });

  it('with κ large the sampled codes equal the argmin codes', async () => {
    const x = clusteredPoints(64, 16, 6, 4);
    const ix = small({ kappaMin: 1e7 });
    await ix.fit(x, { epochs: 1 });
    const argmin = await ix.assign(x);
    const out = ix.losses(x, { training: true, seed: 11 });
    const sampled = out.codes.dataSync();
    expect(Array.from(sampled)).toEqual(Array.from(argmin));
    tf.dispose([out.total, out.recon, out.commit, ...out.probs, ...out.chosen, ...out.inputs, out.codes]);
    ix.dispose();
    x.dispose();
  });

  it('with small κ training samples differ from argmin for some entities', async () => {
    const x = clusteredPoints(64, 16, 6, 4);
    const ix = small({ kappaInit: 0.5, kappaMin: 0 });
    await ix.fit(x, { epochs: 1 });
    const argmin = await ix.assign(x);
    const out = ix.losses(x, { training: true, seed: 11 });
    const sampled = out.codes.dataSync();
    expect(Array.from(sampled)).not.toEqual(Array.from(argmin));
    tf.dispose([out.total, out.recon, out.commit, ...out.probs, ...out.chosen, ...out.inputs, out.codes]);
    ix.dispose();
    x.dispose();
  });
});
