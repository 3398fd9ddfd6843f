import { RecError, type IndexVocabulary } from '@ed2/core';
import type { Tokenizer } from './tokenizer';

/**
 * Adds an index vocabulary's tokens to a tokenizer as special tokens and checks they got the ids the vocabulary
 * owns (`baseVocabSize + row`), as every backbone must (the LLaMA and the torch backbone share this).
 */
export function registerIndexTokens(tokenizer: Tokenizer, vocab: IndexVocabulary, baseVocabSize: number): void {
  if (vocab.firstId !== baseVocabSize) {
    throw new RecError('E_CONFIG', `index vocabulary starts at id ${vocab.firstId}, the backbone's base vocabulary ends at ${baseVocabSize}`, { hint: 'Make the IndexVocabulary with firstId = backbone.baseVocabSize.' });
  }
  const ids = tokenizer.addSpecialTokens(vocab.tokens);
  ids.forEach((id, row) => {
    if (id !== vocab.firstId + row) {
      throw new RecError('E_CONFIG', `tokenizer gave index token ${vocab.tokens[row]} the id ${id}, expected ${vocab.firstId + row}`, { hint: 'Register the index vocabulary once, on a tokenizer without other added tokens.' });
    }
  });
}
