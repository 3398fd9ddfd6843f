import { z } from 'zod';
import { LlamaConfig } from './llama-config';
import { LoraConfig } from '../lora/lora';

/** Plugin config of the `backbones:llama` component. */
export const LlamaBackboneConfig = z
  .object({
    model: z
      .union([z.enum(['tiny', 'stories260k', 'llama2-7b']), LlamaConfig])
      .default('tiny')
      .describe('A preset name or a full size object (dim, nLayers, nHeads, ...).'),
    weights: z.string().optional().describe('Checkpoint path; omitted = random init (seeded).'),
    format: z.enum(['bin', 'gguf', 'safetensors', 'auto']).default('auto').describe('Checkpoint format (auto = by extension).'),
    tokenizer: z.string().optional().describe('Tokenizer path (tokenizer.model, tokenizer.json or tokenizer.bin).'),
    lora: LoraConfig.default(LoraConfig.parse({})).describe('LoRA adapters.'),
    seed: z.number().int().default(0).describe('Seed for random init and LoRA init.'),
  })
  .strict()
  .describe('LLaMA backbone');
export type LlamaBackboneConfig = z.infer<typeof LlamaBackboneConfig>;
