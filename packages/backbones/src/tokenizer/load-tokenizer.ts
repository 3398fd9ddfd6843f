import { RecError } from '@ed2/core';
import type { SentencePieceBpe } from './sentencepiece-bpe';
import { readSentencePieceModel } from './read-sentencepiece-model';
import { readHfTokenizerJson } from './read-hf-tokenizer-json';
import { readLlama2cTokenizer } from './read-llama2c-tokenizer';
import { readGgufTokenizer } from './gguf-vocab-tokenizer';

/** Loads a LLaMA tokenizer by file type: `.model` (SentencePiece), `.json` (Hugging Face), `.bin` (llama2.c), `.gguf`. */
export async function loadTokenizer(file: string): Promise<SentencePieceBpe> {
  const lower = file.toLowerCase();
  if (lower.endsWith('.model')) return readSentencePieceModel(file);
  if (lower.endsWith('.json')) return readHfTokenizerJson(file);
  if (lower.endsWith('.bin')) return readLlama2cTokenizer(file);
  if (lower.endsWith('.gguf')) return readGgufTokenizer(file);
  throw new RecError('E_UNSUPPORTED', `cannot tell the tokenizer format of '${file}'`, {
    hint: 'pass tokenizer.model (SentencePiece), tokenizer.json (Hugging Face), tokenizer.bin (llama2.c) or a .gguf file',
  });
}
