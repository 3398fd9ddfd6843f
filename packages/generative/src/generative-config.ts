import { z } from 'zod';

const component = (name: string, what: string) =>
  z
    .object({
      name: z.string().default(name).describe(`Registered ${what} name.`),
      options: z.record(z.string(), z.unknown()).default({}).describe(`Options of the ${what} (validated by its own schema, defaults filled).`),
    })
    .strict()
    .default({ name, options: {} });

/** Options of the generative recommender (ED², LC-Rec, … are presets of these). */
export const generativeConfig = z
  .object({
    backbone: z
      .object({
        name: z.string().default('llama').describe('Registered backbone name.'),
        options: z.record(z.string(), z.unknown()).default({ model: 'mini' }).describe('Options of the backbone (validated by its own schema, defaults filled).'),
      })
      .strict()
      .default({ name: 'llama', options: { model: 'mini' } })
      .describe("The LLM backbone (default llama 'mini': random init, fully trained — the quick start on 2 cores; --backbone llama:tiny or weights for more)."),
    itemIndexer: component('hvqae', 'indexer').describe('Item-branch indexer (kind item).'),
    userIndexer: component('hvqae', 'indexer').describe('User-branch indexer (kind user), used when users = true.'),
    users: z.boolean().default(true).describe('Dual index: user index tokens too (ED²). false = items only (--no-user, LC-Rec).'),
    tasks: z.string().default('all').describe("Instruction tasks: 'all' or a comma list (sequential, co-purchase, comment-query, profile, item-index, index-item)."),
    taskOptions: z.record(z.string(), z.record(z.string(), z.unknown())).default({}).describe('Per-task options, keyed by task name.'),
    maxHistory: z.number().int().min(1).default(10).describe('Longest item history in a sequential prompt.'),
    mgtr: z.boolean().default(true).describe('Multi-grained token regulator (L_ID + L_Token); false = --no-mgtr.'),
    beta1: z.number().min(0).default(0.5).describe('Weight β1 of the index-level InfoNCE L_ID.'),
    beta2: z.number().min(0).default(0.5).describe('Weight β2 of the token-level contrastive L_Token.'),
    quantizerWeight: z.number().min(0).default(1).describe("Weight of the quantizers' own reconstruction + commitment terms in joint training."),
    tauId: z.number().positive().default(0.07).describe('Temperature of L_ID.'),
    tauToken: z.number().positive().default(0.1).describe('Temperature of L_Token.'),
    mgtrEntities: z.number().int().min(2).default(32).describe('Entities per step in L_ID / L_Token (drawn from the batch).'),
    dynamic: z.boolean().default(true).describe('Dynamic indices: the indexers train jointly and codes are re-assigned every reindexEvery steps; false = static (--static).'),
    reindexEvery: z.number().int().min(1).default(200).describe('Steps between re-assignments of both branches (dynamic).'),
    itemFeatures: z.string().optional().describe("Item features instead of encoded text: 'run:<SASRec run dir>' (its item embeddings) or a .safetensors / .npy file [numItems, d]."),
    warmupEpochs: z.number().int().min(0).default(30).describe('Indexer warm-up epochs on the frozen backbone features.'),
    epochs: z.number().int().min(1).default(4).describe('Joint training epochs.'),
    stepsPerEpoch: z
      .number()
      .int()
      .min(0)
      .default(100)
      .describe('Steps per epoch (0 = one pass over the training samples). The default 100 is the quick-start budget (400 steps ≈ 6 min on 2 cores); real runs set 0.'),
    batchSize: z.number().int().positive().default(16).describe('Instruction samples per step.'),
    learningRate: z.number().positive().default(1e-3).describe('AdamW learning rate of joint training (paper: 5e-4 with LoRA).'),
    weightDecay: z.number().min(0).default(0.01).describe('AdamW decoupled weight decay.'),
    indexerLrScale: z
      .number()
      .min(0)
      .default(0.05)
      .describe("Learning-rate multiplier of the indexers' own variables in joint training: at the full rate the codes drift so fast that each re-indexing re-assigns nearly every entity (measured: 999 of 1,000 items), erasing what the LLM learnt about them."),
    clipNorm: z.number().positive().default(1).describe('Clip the joint gradient to this global L2 norm.'),
    patience: z.number().int().positive().default(3).describe('Early stopping: epochs without validation improvement.'),
    metric: z.string().default('ndcg@10').describe('Validation metric for early stopping and best weights.'),
    validUsers: z.number().int().min(1).default(300).describe('Validation by constrained beam search on a seeded subsample of this many users (stated in the report).'),
    beams: z.number().int().min(1).default(20).describe('Beam width of the constrained beam search.'),
    checkpointEvery: z.number().int().min(0).default(100).describe('Checkpoint every this many steps within an epoch (0 = epoch ends only).'),
    testTemplates: z.enum(['all', 'first']).default('all').describe('Test prompts: every sequential template (metrics averaged over them and given per template) or only the first.'),
    seed: z.number().int().optional().describe('Seed (default: derived from the run seed).'),
  })
  .strict()
  .describe('Generative recommender: LLM backbone + index tokens from one indexer per branch, instruction tasks, constrained beam search.');
export type GenerativeConfig = z.output<typeof generativeConfig>;

/** ED²: dual dynamic HVQAE, every task, m-GTR. */
export const ED2_DEFAULTS: Partial<z.input<typeof generativeConfig>> = {};

/** LC-Rec: a static RQ-VAE item index with Sinkhorn, items only, no m-GTR, LLaMA + LoRA. */
export const LCREC_DEFAULTS: Partial<z.input<typeof generativeConfig>> = {
  itemIndexer: { name: 'rqvae', options: { sinkhorn: true } },
  users: false,
  mgtr: false,
  dynamic: false,
  tasks: 'sequential,item-index,index-item',
};
