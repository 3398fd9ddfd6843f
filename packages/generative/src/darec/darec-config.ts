import { z } from 'zod';

const LAYER_TARGETS = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const;

/** Options of the `darec` recommender (DARec, Liu et al.: dynamic adaption for LLM-based sequential recommendation). */
export const darecConfig = z
  .object({
    backbone: z
      .object({
        name: z.literal('llama').default('llama').describe('Backbone (DARec needs the LLaMA decoder: context masking and per-layer adapters act on its layers).'),
        options: z.record(z.string(), z.unknown()).default({ model: 'mini' }).describe('Options of the llama backbone (its own schema; defaults filled).'),
      })
      .strict()
      .default({ name: 'llama', options: { model: 'mini' } })
      .describe("The LLM (default llama 'mini': random init, fully trained in the coarse stage — sized for 2 cores)."),
    fields: z.array(z.enum(['title', 'brand', 'categories', 'description'])).default(['title', 'brand', 'categories']).describe('Item attributes flattened to key–value text (`title: …; brand: …; categories: …`).'),
    itemTextTokens: z.number().int().min(1).default(12).describe("Tokens of each item's attribute text in a prompt (after its item token)."),
    maxHistory: z.number().int().min(1).default(8).describe('Most recent history items in a prompt.'),
    contextMask: z.boolean().default(true).describe("Context masking: an item's tokens attend only within that item (on top of the causal mask); false = plain causal attention."),
    cfDim: z.number().int().positive().default(32).describe('Width of the jointly trained CF model (one-block SASRec-style encoder).'),
    cfWeight: z.number().min(0).default(1).describe("Weight of the CF model's own next-item cross-entropy."),
    injectUser: z.boolean().default(true).describe('Collaborative injection: the CF user state, projected to the LLM width, as a user token in the prompt (see userToken).'),
    userToken: z
      .enum(['end', 'start'])
      .default('end')
      .describe("Where the CF user token sits: 'end' = the read-out position (its CF state queries every layer's attention over the history and reaches the item head through the residual stream), 'start' = a soft prefix after <s>."),
    injectItem: z.boolean().default(true).describe("Collaborative injection: each item token's row = learned item table + projected CF item embedding."),
    alignWeight: z.number().min(0).default(0.5).describe('Coarse stage: weight of item-text → item-token alignment (CE over all items through the item head).'),
    hardNegatives: z.number().int().min(0).default(4).describe('Coarse stage: hard negatives per target (most attribute-similar items never bought together with it; 0 = off).'),
    hardNegativeWeight: z.number().min(0).default(0.1).describe('Coarse stage: weight of the pairwise (BPR) loss target vs its hard negatives (0.1 chosen on validation NDCG@10 over 0.5 on the synthetic default, where same-category items are often the next item).'),
    coarseEpochs: z.number().int().min(1).default(3).describe('Coarse-grained adaption epochs (alignment + next item + hard negatives).'),
    stepsPerEpoch: z.number().int().min(0).default(60).describe('Coarse steps per epoch (0 = one pass over the next-item samples).'),
    batchSize: z.number().int().positive().default(16).describe('Next-item samples per step (alignment adds half as many items).'),
    learningRate: z.number().positive().default(3e-3).describe('AdamW learning rate (both stages).'),
    weightDecay: z.number().min(0).default(0.01).describe('AdamW decoupled weight decay.'),
    clipNorm: z.number().positive().default(1).describe('Clip the gradient to this global L2 norm.'),
    patience: z.number().int().positive().default(3).describe('Coarse stage early stopping: epochs without validation improvement.'),
    metric: z.string().default('ndcg@10').describe('Validation metric (early stopping, dynamic-adaption choice, best weights).'),
    validUsers: z.number().int().min(1).default(300).describe('Validation on a seeded subsample of this many users (full ranking over all items).'),
    dynamic: z.boolean().default(true).describe('Dynamic adaption: search per-layer adapter settings on validation and keep the best (false = coarse stage only).'),
    dynamicGrid: z
      .array(z.array(z.number().min(0)))
      .optional()
      .describe('Candidate per-layer adapter scales (one number per layer, 0 = no adapter on that layer). Default: none, all layers, lower half, upper half.'),
    dynamicSteps: z.number().int().min(1).default(20).describe('Fine-grained steps per candidate setting (each starts from the coarse-stage weights).'),
    dynamicLearningRate: z.number().positive().default(1e-3).describe('AdamW learning rate of each dynamic candidate (a third of the coarse rate by default, chosen on validation NDCG@10 among 3e-3, 1e-3, 3e-4: at the coarse rate a fresh optimizer undoes more than the candidate adds).'),
    dynamicRank: z.number().int().positive().default(4).describe('LoRA rank of the dynamic adapters.'),
    dynamicTargets: z.array(z.enum(LAYER_TARGETS)).default(['gate', 'up', 'down']).describe("Linears of each layer that get a dynamic adapter (must not carry the backbone's own LoRA)."),
    scoreBatch: z.number().int().positive().default(32).describe('Prompts per forward batch when scoring.'),
    checkpointEvery: z.number().int().min(0).default(20).describe('Checkpoint every this many coarse steps within an epoch (0 = epoch ends only).'),
    seed: z.number().int().optional().describe('Seed (default: derived from the run seed).'),
  })
  .strict()
  .describe('DARec: items as key–value attribute text plus an id-aligned token, context masking, CF user/item injection, coarse adaption, per-layer dynamic adaption, full-ranking item head.');
export type DarecConfig = z.output<typeof darecConfig>;
