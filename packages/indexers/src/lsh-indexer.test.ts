import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { clusteredPoints, indexerContract } from '@ed2/core/testing';
import { lshConfig } from './configs';
import { LshIndexer } from './lsh-indexer';

const make = (over: Record<string, unknown> = {}) => new LshIndexer({ ...lshConfig.parse({ levels: 3, bits: 4, codeDim: 8, ...over }), seed: 5 });

indexerContract('lsh', () => ({ indexer: make(), x: clusteredPoints(80, 12, 5, 1) }));

describe('lsh', () => {
  it('codes match Σ_i 2^i·[φ_iᵀx > 0] per level', async () => {
    const x = clusteredPoints(20, 12, 4, 2);
    const ix = make();
    await ix.fit(x);
    const codes = ix.codes();
    const xs = x.arraySync();
    for (let m = 0; m < 3; m++) {
      const p = ix.hyperplanes(m);
      xs.forEach((row, i) => {
        let token = 0;
        for (let b = 0; b < 4; b++) {
          let dot = 0;
          for (let j = 0; j < 12; j++) dot += row[j] * p[j * 4 + b];
          if (dot > 0) token += 2 ** b;
        }
        expect(codes[i * 3 + m]).toBe(token);
      });
    }
    ix.dispose();
    x.dispose();
  });

  it('static keeps the fitted codes; dynamic re-hashes refreshed representations', async () => {
    const x = clusteredPoints(30, 12, 4, 3);
    const moved = tf.neg(x) as tf.Tensor2D;
    for (const mode of ['static', 'dynamic'] as const) {
      const ix = make({ mode });
      await ix.fit(x);
      const fitted = Array.from(ix.codes());
      const again = Array.from(await ix.assign(moved));
      if (mode === 'static') expect(again).toEqual(fitted);
      else expect(again).not.toEqual(fitted);
      ix.dispose();
    }
    tf.dispose([x, moved]);
  });
});
