import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { readSentencePieceModel } from './read-sentencepiece-model';
import { readHfTokenizerJson } from './read-hf-tokenizer-json';
import { readGgufTokenizer } from './gguf-vocab-tokenizer';
import { loadTokenizer } from './load-tokenizer';
import type { SentencePieceBpe } from './sentencepiece-bpe';

const DIR = path.resolve(__dirname, '../../../../../shared/models/llama2-tokenizer');

/** llama.cpp test-tokenizer-0 vectors: texts separated by `\n__ggml_vocab_test__\n`, one line of ids per text. */
function vectors(): { text: string; ids: number[] }[] {
  const texts = readFileSync(path.join(DIR, 'ggml-vocab-llama-spm.gguf.inp'), 'utf8').split('\n__ggml_vocab_test__\n');
  const outs = readFileSync(path.join(DIR, 'ggml-vocab-llama-spm.gguf.out'), 'utf8').split('\n');
  expect(texts.pop()).toBe(''); // the file ends with a separator
  expect(outs.pop()).toBe('');
  expect(texts.length).toBe(outs.length);
  const cases = texts.map((text, i) => ({ text, ids: outs[i].trim() === '' ? [] : outs[i].trim().split(/\s+/).map(Number) }));
  const ref = JSON.parse(readFileSync(path.join(DIR, 'sp_reference.json'), 'utf8')) as { text: string; ids: number[] };
  return [...cases, ref];
}

function checkAll(tok: SentencePieceBpe): void {
  const cases = vectors();
  expect(cases.length).toBeGreaterThan(40);
  expect(tok.vocabSize).toBe(32000);
  for (const c of cases) {
    expect(tok.encode(c.text), JSON.stringify(c.text)).toEqual(c.ids);
    expect(tok.decode(tok.encode(c.text)), JSON.stringify(c.text)).toBe(c.text); // only the dummy prefix is stripped
  }
  expect(tok.encode('Hello', { bos: true, eos: true })).toEqual([1, 15043, 2]);
  expect([tok.bosId, tok.eosId, tok.unkId]).toEqual([1, 2, 0]);
}

describe('LLaMA-2 tokenizer vectors', () => {
  it('tokenizer.model (SentencePiece protobuf) matches every vector', () => {
    checkAll(readSentencePieceModel(path.join(DIR, 'tokenizer.model')));
  });

  it('tokenizer.json (Hugging Face) matches every vector', () => {
    checkAll(readHfTokenizerJson(path.join(DIR, 'tokenizer.json')));
  });

  it('GGUF vocabulary matches every vector', async () => {
    checkAll(await readGgufTokenizer(path.join(DIR, 'ggml-vocab-llama-spm.gguf')));
  });

  it('@huggingface/tokenizers on the same tokenizer.json agrees (independent cross-check)', () => {
    const json = JSON.parse(readFileSync(path.join(DIR, 'tokenizer.json'), 'utf8'));
    const config = JSON.parse(readFileSync(path.join(DIR, 'tokenizer_config.json'), 'utf8'));
    const hf = new HfTokenizer(json, config);
    const ours = readHfTokenizerJson(path.join(DIR, 'tokenizer.json'));
    for (const c of vectors()) expect(hf.encode(c.text, { add_special_tokens: false }).ids, JSON.stringify(c.text)).toEqual(ours.encode(c.text));
  });

  it('loadTokenizer picks the reader by extension and rejects others', async () => {
    const tok = await loadTokenizer(path.join(DIR, 'tokenizer.model'));
    expect(tok.encode('Hello world')).toEqual([15043, 3186]);
    await expect(loadTokenizer(path.join(DIR, 'tokenizer_config.txt'))).rejects.toThrow(/tokenizer format/);
    await expect(loadTokenizer(path.join(DIR, 'missing.model'))).rejects.toMatchObject({ code: 'E_DATA_MISSING' });
  });

  it('round-trips a long text with a 20k-character run (priority-queue merges)', () => {
    const tok = readSentencePieceModel(path.join(DIR, 'tokenizer.model'));
    const para = 'The user bought Harry Potter and the Sorcerer\'s Stone, then a kettle and 3 USB-C cables. ';
    const text = para.repeat(400) + 'x'.repeat(20000); // ~56k chars, including one 20k-char run
    // (speed is not asserted here: ~0.5 s on 2 shared cores, where the old O(n²) loop took minutes)
    const ids = tok.encode(text);
    expect(ids.length).toBeLessThan(text.length);
    expect(tok.decode(ids)).toBe(text);
  });
});
