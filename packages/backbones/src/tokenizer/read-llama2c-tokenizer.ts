import { readFileSync } from 'node:fs';
import { SentencePieceBpe } from './sentencepiece-bpe';

/** llama2.c tokenizer.bin: int32 max_token_length, then per token float32 score, int32 length, bytes. */
export function readLlama2cTokenizer(path: string, vocabSize: number): SentencePieceBpe {
  const buf = readFileSync(path);
  let off = 4;
  const pieces = [];
  for (let i = 0; i < vocabSize && off < buf.length; i++) {
    const score = buf.readFloatLE(off);
    const len = buf.readInt32LE(off + 4);
    // llama2.c's exporter writes '▁' as a plain space; restore the SentencePiece form.
    const piece = buf.subarray(off + 8, off + 8 + len).toString('utf8').replace(/ /g, '\u2581');
    off += 8 + len;
    pieces.push({ piece, score });
  }
  return new SentencePieceBpe(pieces);
}
