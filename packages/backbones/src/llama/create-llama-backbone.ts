import { existsSync } from 'node:fs';
import { RecError, Rng } from '@ed2/core';
import { LLAMA_PRESETS, LlamaConfig, type LlamaWeights } from './llama-config';
import { LlamaModel } from './llama-model';
import { LlamaBackbone } from './llama-backbone';
import { applyLora } from '../lora/lora';
import { loadLlamaWeights, detectLlamaFormat } from '../loaders/load-llama-weights';
import { loadTokenizer } from '../tokenizer/load-tokenizer';
import { readGgufTokenizer } from '../tokenizer/gguf-vocab-tokenizer';
import { WordTokenizer } from '../tokenizer/word-tokenizer';
import type { Tokenizer } from '../tokenizer/tokenizer';
import type { LlamaBackboneConfig } from './llama-backbone-config';

export interface CreateLlamaBackboneContext {
  /** Seed used when the config has none. */
  readonly seed: number;
  /** Texts a word-level vocabulary is learnt from (random init without a tokenizer). */
  readonly texts?: () => Iterable<string>;
}

/**
 * Builds the `Backbone` a validated plugin config describes: weights (or a seeded random init), the tokenizer it
 * is configured with, checked against the model's vocabulary, and LoRA or full fine-tuning.
 */
export async function createLlamaBackbone(config: LlamaBackboneConfig, ctx: CreateLlamaBackboneContext): Promise<LlamaBackbone> {
  const rng = new Rng(config.seed ?? ctx.seed);
  for (const [what, p] of [['weights', config.weights], ['tokenizer', config.tokenizer]] as const) {
    if (p !== undefined && !existsSync(p)) throw new RecError('E_DATA_MISSING', `backbone ${what} '${p}' does not exist`, { hint: `Check the ${what} path (relative paths start at the working directory).` });
  }
  let weights: LlamaWeights | undefined;
  if (config.weights) weights = await loadLlamaWeights(config.weights, config.format);
  let tokenizer: Tokenizer;
  if (config.tokenizer) tokenizer = await loadTokenizer(config.tokenizer);
  else if (config.weights && (config.format === 'gguf' || (config.format === 'auto' && (await detectLlamaFormat(config.weights)) === 'gguf'))) tokenizer = await readGgufTokenizer(config.weights);
  else if (config.weights) {
    throw new RecError('E_CONFIG', `backbone weights '${config.weights}' need a tokenizer`, { hint: 'Pass --tokenizer <tokenizer.model | tokenizer.json | tokenizer.bin> (the one the weights were trained with).' });
  } else {
    if (!ctx.texts) throw new RecError('E_CONFIG', 'a random-init LLaMA backbone without a tokenizer needs texts to learn a word vocabulary from', { hint: 'Pass tokenizer: <path>, or create it inside a run (the corpus texts are used).' });
    tokenizer = WordTokenizer.fromTexts(ctx.texts());
  }
  let arch: LlamaConfig;
  if (weights) arch = weights.config;
  else {
    const base = typeof config.model === 'string' ? LLAMA_PRESETS[config.model] : LlamaConfig.parse(config.model);
    arch = LlamaConfig.parse({ ...base, vocabSize: tokenizer.vocabSize, bosId: tokenizer.bosId, eosId: tokenizer.eosId, ...(config.maxSeqLen ? { maxSeqLen: config.maxSeqLen } : {}) });
  }
  if (weights && config.maxSeqLen) arch = LlamaConfig.parse({ ...arch, maxSeqLen: config.maxSeqLen });
  if (tokenizer.vocabSize !== arch.vocabSize) {
    throw new RecError('E_CONFIG', `the tokenizer has ${tokenizer.vocabSize} tokens but the model '${config.weights ?? String(config.model)}' has a vocabulary of ${arch.vocabSize}`, {
      hint: 'Use the tokenizer the weights were trained with.',
    });
  }
  const model = new LlamaModel(arch, weights, rng.fork('init'));
  const full = config.finetune === 'full' || (config.finetune === 'auto' && !weights);
  if (full) model.makeFullyTrainable();
  else applyLora(model, config.lora, rng.fork('lora'));
  return new LlamaBackbone(model, tokenizer, { encodeBatch: config.encodeBatch, searchBatch: config.searchBatch });
}
