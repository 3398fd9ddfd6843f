import { readFileSync } from 'node:fs';
import { RecError } from '@ed2/core';
import { SP_PIECE_TYPE, SentencePieceBpe, type SpPiece } from './sentencepiece-bpe';

/**
 * llama2.c tokenizer.bin: int32 max_token_length, then per token float32 score, int32 length, bytes. Reads
 * `vocabSize` tokens, or all of the file when omitted. The format carries no piece types: id 0 is taken as
 * unknown, 1 and 2 as BOS/EOS (control) and `<0xXX>` pieces as byte-fallback pieces (as in llama2.c's export).
 */
export function readLlama2cTokenizer(path: string, vocabSize?: number): SentencePieceBpe {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new RecError('E_DATA_MISSING', `cannot read tokenizer '${path}': ${(e as Error).message}`, { cause: e, hint: 'check the path' });
  }
  let off = 4;
  const pieces: SpPiece[] = [];
  for (let i = 0; (vocabSize === undefined || i < vocabSize) && off < buf.length; i++) {
    if (off + 8 > buf.length) throw truncated(path, i);
    const score = buf.readFloatLE(off);
    const len = buf.readInt32LE(off + 4);
    if (len < 0 || off + 8 + len > buf.length) throw truncated(path, i);
    // llama2.c's exporter writes '▁' as a plain space; restore the SentencePiece form.
    const piece = buf.subarray(off + 8, off + 8 + len).toString('utf8').replace(/ /g, '\u2581');
    off += 8 + len;
    const type = i === 0 ? SP_PIECE_TYPE.unknown : i <= 2 ? SP_PIECE_TYPE.control : /^<0x[0-9A-F]{2}>$/.test(piece) ? SP_PIECE_TYPE.byte : SP_PIECE_TYPE.normal;
    pieces.push({ piece, score, type });
  }
  if (vocabSize !== undefined && pieces.length < vocabSize) throw truncated(path, pieces.length);
  return new SentencePieceBpe(pieces);
}

function truncated(path: string, i: number): RecError {
  return new RecError('E_DATA_FORMAT', `'${path}' is not a complete llama2.c tokenizer.bin: token ${i} is cut off`, {
    hint: 'expected int32 max_len, then per token float32 score, int32 length, bytes',
  });
}
