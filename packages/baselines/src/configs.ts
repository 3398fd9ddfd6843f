import { z } from 'zod';

const trainer = {
  epochs: z.number().int().positive().default(200).describe('Maximum training epochs.'),
  batchSize: z.number().int().positive().default(256).describe('Training sequences per batch.'),
  learningRate: z.number().positive().default(1e-3).describe('AdamW learning rate.'),
  weightDecay: z.number().min(0).default(0).describe('AdamW decoupled weight decay.'),
  patience: z.number().int().positive().default(10).describe('Early stopping: epochs without validation improvement.'),
  lrDecay: z
    .number()
    .gt(0)
    .max(1)
    .default(1)
    .describe('Reduce on plateau: multiply the learning rate by this after lrPatience epochs without validation improvement (1 = constant rate).'),
  lrPatience: z.number().int().positive().default(3).describe('Epochs without validation improvement before each learning-rate reduction (with lrDecay < 1).'),
  evalEvery: z.number().int().positive().default(1).describe('Validate every n epochs.'),
  checkpointEvery: z.number().int().min(0).default(0).describe('Also checkpoint every n steps inside an epoch (0 = at epoch ends only; an interrupt always checkpoints its step).'),
  metric: z.string().default('ndcg@10').describe('Validation metric for early stopping and best weights.'),
  maxLen: z.number().int().positive().default(50).describe('Sequence length (left-padded, most recent last).'),
  dim: z.number().int().positive().default(64).describe('Item embedding size.'),
};

export const sasrecConfig = z
  .object({
    ...trainer,
    layers: z.number().int().positive().default(2).describe('Self-attention blocks.'),
    heads: z.number().int().positive().default(2).describe('Attention heads (must divide dim).'),
    dropout: z.number().min(0).max(0.95).default(0.3).describe('Dropout rate.'),
    norm: z.enum(['pre', 'post']).default('pre').describe('Layer-norm placement.'),
    loss: z.enum(['ce', 'bce']).default('ce').describe('ce: softmax over all items; bce: one sampled negative per position.'),
    negatives: z
      .enum(['unseen', 'any'])
      .default('unseen')
      .describe(
        "bce negatives: 'unseen' = items outside the user's training sequence (the original SASRec sampler); 'any' = any item but the position's target, so the user's own items can be drawn too (rarely: 1 in ~numItems draws).",
      ),
    historyNegatives: z
      .number()
      .min(0)
      .max(1)
      .default(0)
      .describe(
        "bce: share of negatives drawn from the items the user has already read at that position (never the target), the rest by 'negatives'. Full ranking without masking ranks the user's own items too: > 0 teaches the model to rank them below the next item (Instruments: HR@1 up, HR@10 down; see bench/README.md).",
      ),
    gbceT: z
      .number()
      .min(0)
      .max(1)
      .default(0)
      .describe(
        "bce: gSASRec's calibration t (gBCE, Petrov & Macdonald 2023): the positive term is weighted by β = α·(t·(1 − 1/α) + 1/α), α = 1/(numItems − 1) for one negative (β ≈ 1 − t), countering the overconfidence a single sampled negative causes; 0 = plain BCE.",
      ),
    tied: z.boolean().default(true).describe('Score against the input item table (true, as in SASRec) or a separate output table.'),
  })
  .strict()
  .describe('SASRec (Kang & McAuley 2018).');
export type SasRecConfig = z.output<typeof sasrecConfig>;

export const gru4recConfig = z
  .object({
    ...trainer,
    hidden: z.number().int().positive().default(128).describe('GRU hidden size.'),
    dropout: z.number().min(0).max(0.95).default(0.3).describe('Dropout on embeddings and GRU outputs.'),
  })
  .strict()
  .describe('GRU4Rec with full-softmax cross-entropy.');
export type Gru4RecConfig = z.output<typeof gru4recConfig>;
