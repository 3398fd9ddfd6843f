import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { indexerContract } from '@ed2/core/testing';
import { staticConfig } from './configs';
import { StaticIndexer } from './static-indexer';

const INDEX = path.resolve(__dirname, '../../../../shared/datasets/amazon-instruments/Instruments.index.json');
const make = (over: Record<string, unknown>) => new StaticIndexer({ ...staticConfig.parse({ levels: 3, codebookSize: 8, codeDim: 4, ...over }), seed: 3 });

indexerContract('static (pseudo-ID)', () => ({ indexer: make({ source: 'pseudo' }), x: tf.zeros([60, 2]) as tf.Tensor2D }));
indexerContract('static (random codes)', () => ({ indexer: make({ source: 'random', levels: 2, codebookSize: 4 }), x: tf.zeros([40, 2]) as tf.Tensor2D }));
indexerContract('static (Instruments.index.json)', () => ({ indexer: make({ source: 'file', path: INDEX, codebookSize: 256 }), x: tf.zeros([50, 1]) as tf.Tensor2D }));

describe('static', () => {
  it('loads Instruments.index.json and resolves its collisions to zero duplicates', async () => {
    const ix = make({ source: 'file', path: INDEX, codebookSize: 256 });
    expect(ix.size).toBe(9922);
    expect(ix.levels).toBe(4);
    const x = tf.zeros([9922, 1]) as tf.Tensor2D;
    await ix.fit(x);
    x.dispose();
    const s = ix.stats();
    expect(s.collidingFraction).toBeGreaterThan(0);
    expect(s.collisionRateAfter).toBe(0);
    const index = ix.index();
    expect(index.tokens[0].slice(0, 4)).toEqual(['<a_137>', '<b_112>', '<c_79>', '<d_200>']);
    const texts = index.tokens.map((t) => t.join(''));
    expect(new Set(texts).size).toBe(9922);
    const suffixed = index.tokens.filter((t) => t.length === 5).length;
    expect(suffixed).toBe(Math.round(s.collidingFraction * 9922));
    ix.dispose();
  });

  it('pseudo-IDs are the id in base N; random codes depend on the seed only', () => {
    const ix = make({ source: 'pseudo' });
    expect(Array.from(ix.generate(10).slice(9 * 3))).toEqual([0, 1, 1]);
    const a = make({ source: 'random' }).generate(20);
    const b = make({ source: 'random' }).generate(20);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(() => make({ source: 'pseudo' }).generate(8 ** 3 + 1)).toThrow(/do not fit/);
    expect(() => make({ source: 'file' })).toThrow(/needs a path/);
  });
});
