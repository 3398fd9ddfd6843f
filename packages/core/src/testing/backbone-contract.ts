import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { Backbone } from '../domain/backbone';
import { IndexVocabulary } from '../index-vocab/index-vocabulary';
import { PrefixTrie } from '../index-vocab/prefix-trie';
import { EventBus } from '../events/event-bus';

/**
 * Declares the vitest suite every backbone plugin must pass (DESIGN §2): index vocabulary registration, the
 * text encoder (shape, cache, weights version), the response loss and pooled representations inside the
 * caller's tape with gradients reaching the index rows, `lossAndRowGrads` agreeing with that tape, out-of-range
 * ids refused, constrained search returning only trie entries with their values (with progress events), adapter save/load round trip,
 * and no leaked tensors. `make` builds a fresh backbone whose tokenizer knows the words in `texts`.
 */
export function backboneContract(name: string, make: () => Promise<Backbone> | Backbone): void {
  const texts = ['the red ball', 'a blue car', 'the red car'];
  const layout = [{ kind: 'item' as const, prefix: '', levels: 2, codebookSize: 3, suffixes: 1 }];

  describe(`backbone contract: ${name}`, () => {
    it('encodes texts to [n, dim], cached by text until the weights change', async () => {
      const bb = await make();
      const a = await bb.encode(texts);
      expect(a.shape).toEqual([3, bb.dim]);
      const b = await bb.encode([texts[1]]);
      const row = tf.tidy(() => tf.slice(a, [1, 0], [1, -1]));
      expect(Array.from(b.dataSync())).toEqual(Array.from(row.dataSync()));
      const v = bb.weightsVersion;
      bb.markUpdated();
      expect(bb.weightsVersion).toBeGreaterThan(v);
      tf.dispose([a, b, row]);
      bb.dispose();
    });

    it('computes the response loss in the caller tape with index rows, agrees with lossAndRowGrads, and refuses unknown ids', async () => {
      const bb = await make();
      const vocab = new IndexVocabulary(layout, bb.baseVocabSize);
      bb.setIndexVocabulary(vocab);
      const ids = (t: string) => bb.tokenize(t);
      const sample = { prompt: [bb.bosId, ...ids('the red ball <a_1><b_2>')], response: [...ids('<a_0><b_1>'), bb.eosId] };
      expect(sample.prompt.slice(-2)).toEqual([vocab.id('<a_1>'), vocab.id('<b_2>')]);
      const rows = tf.variable(tf.randomNormal([vocab.size, bb.dim], 0, 0.02, 'float32', 3) as tf.Tensor2D);
      tf.dispose(tf.tidy(() => bb.responseNllSum([sample], { rows }).sum)); // first pass: per-shape caches (masks) fill
      const before = tf.memory().numTensors;
      const { value, grads } = tf.variableGrads(() => {
        const r = bb.responseNllSum([sample], { rows, training: false });
        expect(r.tokens).toBe(3);
        return tf.div(r.sum, r.tokens) as tf.Scalar;
      }, [rows]);
      const g = grads[rows.name];
      expect(Number.isFinite(value.dataSync()[0])).toBe(true);
      expect(tf.tidy(() => tf.norm(g).dataSync()[0])).toBeGreaterThan(0);
      const narrow = bb.lossAndRowGrads([sample], rows);
      expect(narrow.tokens).toBe(3);
      expect(narrow.loss).toBeCloseTo(value.dataSync()[0], 4);
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(narrow.dRows, g))).dataSync()[0]);
      expect(diff).toBeLessThan(1e-4);
      tf.dispose([value, g, narrow.dRows]);
      expect(tf.memory().numTensors).toBe(before);
      expect(() => bb.responseNllSum([{ prompt: [bb.baseVocabSize + vocab.size + 5], response: [1] }], { rows })).toThrow(/outside the vocabulary/);
      const pooled = tf.tidy(() => bb.pooled([sample.prompt, sample.response], { rows }));
      expect(pooled.shape).toEqual([2, bb.dim]);
      tf.dispose([pooled, rows]);
      bb.dispose();
    });

    it('constrained search returns top-k distinct trie sequences with their values, best first', async () => {
      const bb = await make();
      const vocab = new IndexVocabulary(layout, bb.baseVocabSize);
      bb.setIndexVocabulary(vocab);
      const trie = new PrefixTrie();
      const seqs = [['<a_0>', '<b_0>'], ['<a_0>', '<b_2>'], ['<a_1>', '<b_1>'], ['<a_2>', '<b_0>', '<p_0>']];
      seqs.forEach((s, i) => trie.insert(s.map((t) => vocab.id(t)!), 10 + i));
      const rows = tf.randomNormal([vocab.size, bb.dim], 0, 0.5, 'float32', 4) as tf.Tensor2D;
      const events = new EventBus();
      const seen: { current: number; total: number; done?: boolean }[] = [];
      events.on((e) => { if (e.type === 'progress') seen.push(e); });
      const hits = await bb.constrainedSearch([[bb.bosId, ...bb.tokenize('a blue car')], [bb.bosId]], trie, { beams: 4, topK: 3, rows, events });
      expect(hits.length).toBe(2);
      // progress reaches every prompt and finishes
      expect(seen.length).toBeGreaterThan(0);
      expect(seen[seen.length - 1]).toMatchObject({ current: 2, total: 2, done: true });
      for (const h of hits) {
        expect(h.length).toBe(3);
        expect(new Set(h.map((x) => x.value)).size).toBe(3);
        for (const x of h) expect(trie.walk(x.tokens)?.value).toBe(x.value);
        for (let i = 1; i < h.length; i++) expect(h[i].score).toBeLessThanOrEqual(h[i - 1].score);
      }
      rows.dispose();
      bb.dispose();
    });

    it('saves and loads its trainable weights', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'backbone-contract-'));
      try {
        const a = await make();
        const b = await make();
        const vars = Object.values(a.trainableVariables());
        expect(vars.length).toBeGreaterThan(0);
        tf.tidy(() => vars.forEach((v, i) => v.assign(tf.add(v, 0.05 * (1 + (i % 3))))));
        a.markUpdated();
        const x = await a.encode(['the red ball']);
        const y0 = await b.encode(['the red ball']);
        expect(tf.tidy(() => tf.max(tf.abs(tf.sub(x, y0))).dataSync()[0])).toBeGreaterThan(1e-4); // the edit shows
        await a.saveAdapters(dir);
        await b.loadAdapters(dir);
        const y = await b.encode(['the red ball']);
        y0.dispose();
        expect(tf.tidy(() => tf.max(tf.abs(tf.sub(x, y))).dataSync()[0])).toBeLessThan(1e-6);
        tf.dispose([x, y]);
        expect(a.parameterCount().trainable).toBeGreaterThan(0);
        a.dispose();
        b.dispose();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
}
