import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLlama2cTokenizer } from './read-llama2c-tokenizer';
import { SentencePieceBpe } from './sentencepiece-bpe';

const TOK512 = path.resolve(__dirname, '../../../../../shared/models/stories260K/tok512.bin');

describe('SentencePieceBpe', () => {
  it('tok512.bin round-trips stories text with BOS/EOS', () => {
    const tok = readLlama2cTokenizer(TOK512, 512);
    expect(tok.vocabSize).toBe(512);
    const text = 'Once upon a time, there was a little girl named Lily. She loved to play outside!';
    const ids = tok.encode(text, { bos: true, eos: true });
    expect(ids[0]).toBe(1);
    expect(ids[ids.length - 1]).toBe(2);
    expect(ids.length).toBeLessThan(text.length);
    expect(tok.decode(ids)).toBe(text);
  });

  it('byte fallback for unknown characters and never splits special tokens', () => {
    const tok = readLlama2cTokenizer(TOK512, 512);
    const [a] = tok.addSpecialTokens(['<a_12>']);
    expect(a).toBe(512);
    const ids = tok.encode('item <a_12> ✓');
    expect(ids).toContain(a);
    expect(ids.filter((i) => i === a)).toHaveLength(1);
    expect(tok.decode(ids)).toBe('item <a_12> ✓');
  });

  it('merges by highest score', () => {
    const tok = new SentencePieceBpe([
      { piece: '<unk>', score: 0 }, { piece: '<s>', score: 0 }, { piece: '</s>', score: 0 },
      { piece: '\u2581', score: -1 }, { piece: 'a', score: -1 }, { piece: 'b', score: -1 },
      { piece: '\u2581a', score: -3 }, { piece: 'ab', score: -2 },
    ]);
    expect(tok.encode('ab')).toEqual([3, 7]);
  });
});
