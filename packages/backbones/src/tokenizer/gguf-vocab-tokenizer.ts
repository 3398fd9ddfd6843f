import { RecError } from '@ed2/core';
import { readGgufHeader } from '../loaders/gguf-loader';
import { SentencePieceBpe, type SpPiece } from './sentencepiece-bpe';

/**
 * Tokenizer from GGUF metadata (`tokenizer.ggml.tokens`, `.scores`, `.token_type`, bos/eos/unk ids,
 * `add_space_prefix`); only the SentencePiece (`tokenizer.ggml.model = "llama"`) vocabulary is supported.
 */
export function ggufVocabTokenizer(md: Record<string, unknown>, what = 'GGUF'): SentencePieceBpe {
  const model = md['tokenizer.ggml.model'];
  const tokens = md['tokenizer.ggml.tokens'];
  if (model !== 'llama' || !Array.isArray(tokens)) {
    throw new RecError('E_UNSUPPORTED', `${what} has tokenizer model ${JSON.stringify(model)}; only the SentencePiece 'llama' vocabulary is supported`, {
      hint: 'LLaMA-1/2 and TinyLlama GGUF files carry it; otherwise pass tokenizer.model or tokenizer.json',
    });
  }
  const scores = md['tokenizer.ggml.scores'];
  const types = md['tokenizer.ggml.token_type'];
  const pieces: SpPiece[] = tokens.map((piece, i) => ({
    piece: String(piece),
    score: Array.isArray(scores) ? Number(scores[i]) : 0,
    type: Array.isArray(types) ? Number(types[i]) : undefined,
  }));
  const id = (k: string, d: number) => (md[k] === undefined ? d : Number(md[k]));
  return new SentencePieceBpe(pieces, {
    bosId: id('tokenizer.ggml.bos_token_id', 1),
    eosId: id('tokenizer.ggml.eos_token_id', 2),
    unkId: id('tokenizer.ggml.unknown_token_id', 0),
    addDummyPrefix: md['tokenizer.ggml.add_space_prefix'] === undefined ? true : Boolean(md['tokenizer.ggml.add_space_prefix']),
  });
}

/** Reads the vocabulary of a GGUF file (header only). */
export async function readGgufTokenizer(file: string): Promise<SentencePieceBpe> {
  const h = await readGgufHeader(file);
  return ggufVocabTokenizer(h.metadata as unknown as Record<string, unknown>, `'${file}'`);
}
