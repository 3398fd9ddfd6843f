import { readFileSync } from 'node:fs';
import type { LlamaWeights } from '../llama-config';
import { parseLlama2c } from '../../loaders/llama2c-loader';
import { readLlama2cTokenizer } from '../../tokenizer/read-llama2c-tokenizer';

/**
 * Test helpers kept for the model's golden test: thin synchronous wrappers over the real loaders
 * (`parseLlama2c` from loaders/, `readLlama2cTokenizer` from tokenizer/). Not exported from the package.
 */
export function readLlama2cForTests(path: string): LlamaWeights {
  return parseLlama2c(readFileSync(path), path);
}

/** llama2.c tokenizer.bin pieces, as stored ('▁' written as a space). */
export function readLlama2cVocabForTests(path: string): string[] {
  const tok = readLlama2cTokenizer(path);
  return Array.from({ length: tok.vocabSize }, (_, i) => tok.decodeToken(i).replace(/\u2581/g, ' '));
}

/** llama2.c-style decode of generated ids following BOS (leading space of the first piece dropped, byte pieces as bytes). */
export function decodeForTests(pieces: string[], ids: number[]): string {
  const bytes: number[] = [];
  ids.forEach((id, i) => {
    let s = pieces[id];
    if (i === 0 && s.startsWith(' ')) s = s.slice(1);
    const m = /^<0x([0-9A-F]{2})>$/.exec(s);
    if (m) bytes.push(parseInt(m[1], 16));
    else bytes.push(...Buffer.from(s, 'utf8'));
  });
  return Buffer.from(bytes).toString('utf8');
}
