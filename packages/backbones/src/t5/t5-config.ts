import { z } from 'zod';

/**
 * A T5-style encoder–decoder (Raffel et al. 2020, v1.0 layout as in Hugging Face `T5ForConditionalGeneration`
 * with `feed_forward_proj: "relu"`): RMS layer norm before each sub-layer, attention without the 1/√d scaling,
 * T5 relative-position bias (bucketed, learnt in the first layer of each stack and shared by its layers), ReLU
 * feed-forward, one token embedding shared by encoder and decoder, an untied output head. Defaults are TIGER's
 * (Rajput et al. 2023): 4 + 4 layers, d_model 128, 6 heads of 64, MLP 1024, dropout 0.1.
 */
export const t5Config = z
  .object({
    vocabSize: z.number().int().min(2).describe('Whole vocabulary (specials, user buckets, index tokens).'),
    dModel: z.number().int().positive().default(128).describe('Model width d_model.'),
    nHeads: z.number().int().positive().default(6).describe('Attention heads.'),
    dKv: z.number().int().positive().default(64).describe('Width of each head (inner attention width = nHeads·dKv).'),
    dFf: z.number().int().positive().default(1024).describe('Feed-forward width.'),
    encoderLayers: z.number().int().min(1).default(4).describe('Encoder blocks.'),
    decoderLayers: z.number().int().min(1).default(4).describe('Decoder blocks.'),
    dropout: z.number().min(0).max(0.9).default(0.1).describe('Dropout rate (training only).'),
    relativeBuckets: z.number().int().min(2).default(32).describe('Relative-position buckets.'),
    relativeMaxDistance: z.number().int().min(2).default(128).describe('Distance from which all positions share the last bucket.'),
    normEps: z.number().positive().default(1e-6).describe('RMS-norm epsilon.'),
    decoderStartId: z.number().int().min(0).default(0).describe('First decoder input (T5: the pad id 0).'),
  })
  .strict();
export type T5Config = z.output<typeof t5Config>;
export type T5ConfigInput = z.input<typeof t5Config>;
