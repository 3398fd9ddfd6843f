import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { AdamW, IndexVocabulary, RecError, type EntityIndex } from '@ed2/core';
import { T5Backbone, t5BackboneConfig } from './t5-backbone';

const options = t5BackboneConfig.parse({ dModel: 16, nHeads: 2, dKv: 8, dFf: 32, encoderLayers: 2, decoderLayers: 2, userTokens: 5, dropout: 0.1 });

/** 7 items over 2 levels of 3 codes + a collision level (TIGER's 4th token), every index unique. */
function setup(): { bb: T5Backbone; vocab: IndexVocabulary; index: EntityIndex } {
  const bb = new T5Backbone(options, 11);
  const vocab = new IndexVocabulary([{ kind: 'item', prefix: '', levels: 2, codebookSize: 3, suffixes: 2 }], bb.baseVocabSize);
  const codes = [[0, 0, 0], [0, 0, 1], [0, 1, 0], [1, 2, 0], [2, 0, 0], [2, 1, 0], [2, 1, 1]];
  const index: EntityIndex = { kind: 'item', tokens: codes.map(([a, b, p]) => [`<a_${a}>`, `<b_${b}>`, `<p_${p}>`]), vocabulary: vocab.tokens };
  bb.setIndexVocabulary(vocab);
  return { bb, vocab, index };
}

describe('T5Backbone', () => {
  it('tokenizes user and index tokens, decodes them back, and refuses words', () => {
    const { bb } = setup();
    const ids = bb.tokenize('<user_3><a_1><b_2><p_0></s>');
    expect(ids).toEqual([3 + 3, bb.baseVocabSize + 1, bb.baseVocabSize + 3 + 2, bb.baseVocabSize + 6, 1]);
    expect(bb.decode(ids)).toBe('<user_3><a_1><b_2><p_0></s>');
    expect(() => bb.tokenize('hello <a_1>')).toThrow(/not made of tokens/);
    expect(() => bb.tokenize('<user_5>')).toThrow(/outside 0\.\.4/);
    bb.dispose();
  });

  it('refuses the calls it does not support with E_CONFIG naming them', async () => {
    const { bb } = setup();
    const isConfig = (e: unknown) => RecError.is(e, 'E_CONFIG');
    await expect(bb.encode()).rejects.toSatisfy(isConfig);
    expect(() => bb.lossAndRowGrads()).toThrow(/lossAndRowGrads/);
    await expect(bb.saveAdapters()).rejects.toSatisfy(isConfig);
    const rows = tf.zeros([3, 16]) as tf.Tensor2D;
    expect(() => bb.responseNllSum([{ prompt: [3], response: [bb.baseVocabSize] }], { rows })).toThrow(/index rows/);
    rows.dispose();
    bb.dispose();
  });

  it('constrained search equals brute force over every item (teacher-forced sequence log-likelihood), leaking nothing', async () => {
    const { bb, vocab, index } = setup();
    const trie = vocab.trie(index);
    const prompts = [[bb.userTokenId(1), ...vocab.entityIds(index, 2), ...vocab.entityIds(index, 4)], [bb.userTokenId(4), ...vocab.entityIds(index, 6)]];
    const brute = prompts.map((prompt) =>
      index.tokens
        .map((_, item) => {
          const { sum } = bb.responseNllSum([{ prompt, response: vocab.entityIds(index, item) }]);
          const s = -sum.dataSync()[0];
          sum.dispose();
          return { item, s };
        })
        .sort((a, b) => b.s - a.s),
    );
    await bb.constrainedSearch(prompts, trie, { beams: 7, topK: 4, batchSize: 1 }); // caches the relative-bucket constants of each step
    const before = tf.memory().numTensors;
    const hits = await bb.constrainedSearch(prompts, trie, { beams: 7, topK: 4, batchSize: 1 });
    expect(tf.memory().numTensors).toBe(before);
    hits.forEach((h, p) => {
      expect(h.map((x) => x.value)).toEqual(brute[p].slice(0, 4).map((x) => x.item));
      h.forEach((x, i) => expect(x.score).toBeCloseTo(brute[p][i].s, 4));
    });
    bb.dispose();
  });

  it('trains with AdamW on the teacher-forced loss (dropout on, seeded) until it prefers the taught item', async () => {
    const { bb, vocab, index } = setup();
    const prompt = [bb.userTokenId(0), ...vocab.entityIds(index, 1)];
    const response = vocab.entityIds(index, 5);
    const opt = new AdamW({ learningRate: 1e-2 });
    const vars = Object.values(bb.trainableVariables());
    const before = tf.memory().numTensors;
    let first = 0;
    let last = 0;
    for (let s = 0; s < 30; s++) {
      const loss = opt.minimize(() => {
        const { sum, tokens } = bb.responseNllSum([{ prompt, response }], { training: true }, 100 + s);
        return tf.div(sum, tokens) as tf.Scalar;
      }, true, vars)!;
      const v = loss.dataSync()[0];
      loss.dispose();
      if (s === 0) first = v;
      last = v;
    }
    expect(last).toBeLessThan(first / 4);
    const hits = await bb.constrainedSearch([prompt], vocab.trie(index), { beams: 3, topK: 1 });
    expect(hits[0][0].value).toBe(5);
    opt.dispose();
    // optimizer slots (2 per variable) are the only new tensors
    expect(tf.memory().numTensors - before).toBeLessThanOrEqual(2 * vars.length + 2);
    bb.dispose();
  });
});
