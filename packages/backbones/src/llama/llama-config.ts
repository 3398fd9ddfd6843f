import { z } from 'zod';

/** Architecture hyper-parameters of a LLaMA-family decoder (LLaMA-2, TinyLlama, llama2.c). */
export const LlamaConfig = z
  .object({
    dim: z.number().int().positive().default(256).describe('Model (residual stream) width d.'),
    nLayers: z.number().int().positive().default(4).describe('Number of transformer blocks.'),
    nHeads: z.number().int().positive().default(8).describe('Number of query heads.'),
    nKvHeads: z
      .number()
      .int()
      .positive()
      .default(8)
      .describe('Number of key/value heads (grouped-query attention when < nHeads; must divide nHeads).'),
    hiddenDim: z.number().int().positive().default(688).describe('SwiGLU inner width.'),
    vocabSize: z.number().int().positive().default(32000).describe('Number of token embeddings / LM-head rows.'),
    maxSeqLen: z.number().int().positive().default(512).describe('Longest sequence the RoPE tables cover.'),
    normEps: z.number().positive().default(1e-5).describe('RMSNorm epsilon.'),
    ropeTheta: z.number().positive().default(10000).describe('RoPE base frequency.'),
    ropeStyle: z
      .enum(['half', 'interleaved'])
      .default('half')
      .describe("RoPE pairing: 'half' = Hugging Face rotate_half, 'interleaved' = llama2.c / GGUF (pairs 2i, 2i+1)."),
    tiedEmbeddings: z.boolean().default(false).describe('LM head shares the token-embedding matrix.'),
    bosId: z.number().int().nonnegative().default(1).describe('Beginning-of-sequence token id.'),
    eosId: z.number().int().nonnegative().default(2).describe('End-of-sequence token id.'),
  })
  .strict()
  .refine((c) => c.nHeads % c.nKvHeads === 0, { message: 'nKvHeads must divide nHeads' })
  .refine((c) => c.dim % c.nHeads === 0, { message: 'nHeads must divide dim' })
  .describe('LLaMA architecture');
export type LlamaConfig = z.infer<typeof LlamaConfig>;

/** Named presets. `tiny` is the random-init default sized for 2 CPU cores. */
export const LLAMA_PRESETS = {
  tiny: LlamaConfig.parse({
    dim: 256, nLayers: 4, nHeads: 8, nKvHeads: 8, hiddenDim: 688, vocabSize: 32000, maxSeqLen: 512,
    normEps: 1e-5, ropeTheta: 10000, ropeStyle: 'half', tiedEmbeddings: true, bosId: 1, eosId: 2,
  }),
  /** Half of `tiny` in width and depth: the ED² quick start on 2 cores. */
  mini: LlamaConfig.parse({
    dim: 128, nLayers: 2, nHeads: 4, nKvHeads: 4, hiddenDim: 344, vocabSize: 32000, maxSeqLen: 512,
    normEps: 1e-5, ropeTheta: 10000, ropeStyle: 'half', tiedEmbeddings: true, bosId: 1, eosId: 2,
  }),
  stories260k: LlamaConfig.parse({
    dim: 64, nLayers: 5, nHeads: 8, nKvHeads: 4, hiddenDim: 172, vocabSize: 512, maxSeqLen: 512,
    normEps: 1e-5, ropeTheta: 10000, ropeStyle: 'interleaved', tiedEmbeddings: true, bosId: 1, eosId: 2,
  }),
  'llama2-7b': LlamaConfig.parse({
    dim: 4096, nLayers: 32, nHeads: 32, nKvHeads: 32, hiddenDim: 11008, vocabSize: 32000, maxSeqLen: 4096,
    normEps: 1e-5, ropeTheta: 10000, ropeStyle: 'half', tiedEmbeddings: false, bosId: 1, eosId: 2,
  }),
} as const satisfies Record<string, LlamaConfig>;
export type LlamaPresetName = keyof typeof LLAMA_PRESETS;

/** One tensor of a canonical weight map (Hugging Face name and [out, in] layout). */
export interface LlamaTensor {
  shape: number[];
  data: Float32Array;
}

/**
 * Canonical weights produced by every loader: Hugging Face names/layouts
 * (`model.embed_tokens.weight` [vocab, dim], `model.layers.{i}.self_attn.q_proj.weight` [out, in], ...,
 * `lm_head.weight` absent when tied). q/k are NOT permuted; the RoPE pairing travels in `config.ropeStyle`.
 */
export interface LlamaWeights {
  config: LlamaConfig;
  tensors: Map<string, LlamaTensor>;
}
