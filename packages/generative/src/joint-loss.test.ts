import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { IndexVocabulary, Rng, type EntityIndex } from '@ed2/core';
import { LlamaBackbone, LlamaConfig, LlamaModel, WordTokenizer } from '@ed2/backbones';
import { HvqaeIndexer, hvqaeConfig } from '@ed2/indexers';
import { EntityLookup } from './entity-spans';
import { IndexRows } from './index-rows';
import { jointLoss } from './joint-loss';

function setup() {
  const tok = WordTokenizer.fromTexts(['user bought then next item']);
  const model = new LlamaModel(LlamaConfig.parse({ dim: 16, nLayers: 1, nHeads: 2, nKvHeads: 2, hiddenDim: 24, vocabSize: tok.vocabSize, maxSeqLen: 64 }), undefined, new Rng(1));
  model.makeFullyTrainable();
  const backbone = new LlamaBackbone(model, tok);
  const ix = new HvqaeIndexer({ ...hvqaeConfig.parse({ kind: 'item', levels: 2, codebookSize: 4, codeDim: 4, epochs: 1, batchSize: 8, initSamples: 8 }), seed: 3 });
  const x = tf.randomNormal([6, 16], 0, 1, 'float32', 5) as tf.Tensor2D;
  return { tok, backbone, ix, x };
}

describe('the gradient path from the LLM loss into the indexer (DESIGN §1.6b)', () => {
  it('reaches the HVQAE encoder, κ, every codebook and the projections, through prompt and response', async () => {
    const { tok, backbone, ix, x } = setup();
    await ix.fit(x, { epochs: 1 });
    const codes = await ix.assign(x);
    const index: EntityIndex = ix.index(codes);
    const vocab = new IndexVocabulary([{ kind: 'item', prefix: '', levels: 2, codebookSize: 4, suffixes: 4 }], backbone.baseVocabSize);
    backbone.setIndexVocabulary(vocab);
    const indexers = new Map([['item' as const, ix]]);
    const rows = new IndexRows(vocab, indexers, 16, new Rng(2));
    const text = (e: number) => index.tokens[e].join('');
    const lm = [
      { prompt: [1, ...backbone.tokenize(`user bought ${text(0)} then ${text(1)} next item`)], response: [...backbone.tokenize(text(2)), 2] },
      { prompt: [1, ...backbone.tokenize(`bought ${text(3)} next`)], response: [...backbone.tokenize(text(4)), 2] },
    ];
    const lookup = new EntityLookup(vocab, [index]);
    const occurrences = lm.flatMap((s, i) => lookup.scan([...s.prompt, ...s.response], i));
    expect(occurrences.map((o) => o.entity)).toEqual([0, 1, 2, 3, 4]);
    expect(tok.vocabSize).toBe(backbone.baseVocabSize + vocab.size);
    const features = new Map([['item' as const, x]]);
    const vars = [...ix.variables().filter((v) => v.trainable), ...Object.values(rows.variables())];
    const run = () => tf.variableGrads(() => jointLoss(backbone, vocab, indexers, () => rows.rows(), { lm, occurrences, features, entityIds: new Map(), textIds: new Map() }, {
      beta1: 0, beta2: 0, quantizer: 0, tauId: 0.07, tauToken: 0.1, dynamic: true, mgtr: false, mgtrEntities: 8,
    }, 9).total, vars);
    const warm = run(); // the model caches its causal mask per shape on the first pass
    warm.value.dispose();
    tf.dispose(Object.values(warm.grads));
    const before = tf.memory().numTensors;
    const { value, grads } = run();
    const norm = (name: RegExp) => {
      const hit = Object.entries(grads).filter(([k]) => name.test(k));
      expect(hit.length).toBeGreaterThan(0);
      return hit.map(([, g]) => tf.tidy(() => tf.norm(g).dataSync()[0]));
    };
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    for (const n of [...norm(/encoder/), ...norm(/kappa/), ...norm(/codebook0/), ...norm(/codebook1/), ...norm(/proj\/item\/0/), ...norm(/proj\/item\/1/)]) {
      expect(Number.isFinite(n)).toBe(true);
      expect(n).toBeGreaterThan(0);
    }
    // the decoder is not on the LLM loss's path (it only reconstructs features): tfjs leaves it out of the gradients
    expect(Object.keys(grads).some((k) => /decoder/.test(k))).toBe(false);
    value.dispose();
    tf.dispose(Object.values(grads));
    expect(tf.memory().numTensors).toBe(before);
    rows.dispose();
    ix.dispose();
    backbone.dispose();
    x.dispose();
  });

  it('without index tokens in the prompt the encoder and κ get no LLM gradient (the mix is the only path there)', async () => {
    const { backbone, ix, x } = setup();
    await ix.fit(x, { epochs: 1 });
    const index = ix.index(await ix.assign(x));
    const vocab = new IndexVocabulary([{ kind: 'item', prefix: '', levels: 2, codebookSize: 4, suffixes: 4 }], backbone.baseVocabSize);
    backbone.setIndexVocabulary(vocab);
    const indexers = new Map([['item' as const, ix]]);
    const rows = new IndexRows(vocab, indexers, 16, new Rng(2));
    // the index is the last response token pair: targets only, never an input except its first level
    const lm = [{ prompt: [1, ...backbone.tokenize('next item')], response: backbone.tokenize(index.tokens[2].join('')).slice(0, 1) }];
    const vars = [...ix.variables().filter((v) => v.trainable), ...Object.values(rows.variables())];
    const { value, grads } = tf.variableGrads(() => jointLoss(backbone, vocab, indexers, () => rows.rows(), { lm, occurrences: [], features: new Map([['item', x]]), entityIds: new Map(), textIds: new Map() }, {
      beta1: 0, beta2: 0, quantizer: 0, tauId: 0.07, tauToken: 0.1, dynamic: true, mgtr: false, mgtrEntities: 8,
    }, 9).total, vars);
    for (const [k, g] of Object.entries(grads)) {
      const n = tf.tidy(() => tf.norm(g).dataSync()[0]);
      if (/encoder|kappa/.test(k)) expect(n).toBe(0);
      if (/codebook0|proj\/item\/0/.test(k)) expect(n).toBeGreaterThan(0); // through the LM head rows
    }
    value.dispose();
    tf.dispose(Object.values(grads));
    rows.dispose();
    ix.dispose();
    backbone.dispose();
    x.dispose();
  });
});
