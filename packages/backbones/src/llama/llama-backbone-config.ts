import { z } from 'zod';
import { LlamaConfig } from './llama-config';
import { LoraConfig } from '../lora/lora';

/** Plugin config of the `backbones:llama` component. */
export const LlamaBackboneConfig = z
  .object({
    model: z
      .union([z.enum(['tiny', 'mini', 'stories260k', 'llama2-7b']), LlamaConfig])
      .default('tiny')
      .describe('A preset name or a full size object (dim, nLayers, nHeads, ...). Ignored when weights are given (their config wins).'),
    weights: z.string().optional().describe('Checkpoint path (llama2.c .bin, .gguf, safetensors file or folder); omitted = random init (seeded).'),
    format: z.enum(['bin', 'gguf', 'safetensors', 'auto']).default('auto').describe('Checkpoint format (auto = by extension / magic bytes).'),
    tokenizer: z
      .string()
      .optional()
      .describe("Tokenizer path (tokenizer.model, tokenizer.json, tokenizer.bin, .gguf). Omitted: a GGUF checkpoint's own vocabulary, or, for a random model, a word-level vocabulary learnt from the run's texts (vocabSize follows it)."),
    finetune: z
      .enum(['auto', 'lora', 'full'])
      .default('auto')
      .describe('lora: LoRA adapters over frozen weights (pretrained checkpoints); full: every weight trains; auto: full for a random init (LoRA over frozen random weights cannot learn), lora with weights.'),
    lora: LoraConfig.default(LoraConfig.parse({})).describe('LoRA adapters (finetune lora).'),
    maxSeqLen: z.number().int().positive().optional().describe('Override the context length of a preset (RoPE table size).'),
    encodeBatch: z.number().int().positive().default(32).describe('Texts per batch when encoding entity texts.'),
    searchBatch: z.number().int().positive().default(32).describe('Prompts per batch of the constrained beam search.'),
    seed: z.number().int().optional().describe('Seed for random init and LoRA init (default: derived from the run seed).'),
  })
  .strict()
  .describe('LLaMA backbone');
export type LlamaBackboneConfig = z.infer<typeof LlamaBackboneConfig>;
