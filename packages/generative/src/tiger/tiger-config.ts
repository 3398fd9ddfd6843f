import { z } from 'zod';

/** TIGER (Rajput et al., NeurIPS 2023): semantic-ID generative retrieval with a small T5 encoder–decoder. */
export const tigerConfig = z
  .object({
    itemIndexer: z
      .object({
        name: z.string().default('rqvae').describe('Registered indexer name (rqvae as in TIGER; static for a precomputed *.index.json).'),
        options: z.record(z.string(), z.unknown()).default({ levels: 3, codebookSize: 256, codeDim: 32 }).describe('Options of the indexer (validated by its own schema, defaults filled).'),
      })
      .strict()
      .default({ name: 'rqvae', options: { levels: 3, codebookSize: 256, codeDim: 32 } })
      .describe('Semantic IDs of the items (TIGER: RQ-VAE, 3 levels of 256 codes of width 32).'),
    backbone: z
      .object({
        name: z.string().default('llama').describe('Registered backbone name.'),
        options: z.record(z.string(), z.unknown()).default({ model: 'mini' }).describe('Options of the backbone (validated by its own schema, defaults filled).'),
      })
      .strict()
      .default({ name: 'llama', options: { model: 'mini' } })
      .describe('Text encoder of the item features the RQ-VAE quantises (TIGER: Sentence-T5), used only without itemFeatures and a static index.'),
    itemFeatures: z.string().optional().describe("Item features instead of encoded text: 'run:<SASRec run dir>' or a .safetensors / .npy file [numItems, d]."),
    indexerEpochs: z.number().int().min(0).optional().describe("RQ-VAE training epochs (default: the indexer's own epochs option)."),
    collisionToken: z
      .enum(['always', 'colliding'])
      .default('always')
      .describe("TIGER's extra level: 'always' appends <p_k> to every item (k = rank among items with the same codes, 0 when unique); 'colliding' only where codes collide."),
    t5: z.record(z.string(), z.unknown()).default({}).describe('Encoder–decoder options (dModel, nHeads, dKv, dFf, encoderLayers, decoderLayers, dropout, relativeBuckets, userTokens…; defaults: the paper).'),
    maxHistory: z.number().int().min(1).default(20).describe('Most recent history items in the encoder input (TIGER: 20).'),
    epochs: z.number().int().min(1).default(20).describe('Training epochs.'),
    stepsPerEpoch: z.number().int().min(0).default(0).describe('Steps per epoch (0 = one pass over every training prefix).'),
    batchSize: z.number().int().positive().default(256).describe('Samples (history prefix → next item) per step (TIGER: 256).'),
    learningRate: z.number().positive().default(1e-3).describe('AdamW learning rate (the paper uses Adagrad 0.01 with inverse-square-root decay; AdamW is our choice).'),
    weightDecay: z.number().min(0).default(0.035).describe('AdamW decoupled weight decay.'),
    clipNorm: z.number().positive().default(1).describe('Clip the gradient to this global L2 norm.'),
    patience: z.number().int().positive().default(3).describe('Early stopping: epochs without validation improvement.'),
    metric: z.string().default('ndcg@10').describe('Validation metric for early stopping and best weights.'),
    validUsers: z.number().int().min(1).default(1000).describe('Validation by constrained beam search on a seeded subsample of this many users.'),
    beams: z.number().int().min(1).default(20).describe('Beam width of the trie-constrained beam search.'),
    searchBatch: z.number().int().positive().default(128).describe('Prompts per beam-search batch.'),
    checkpointEvery: z.number().int().min(0).default(200).describe('Checkpoint every this many steps within an epoch (0 = epoch ends only).'),
    seed: z.number().int().optional().describe('Seed (default: derived from the run seed).'),
  })
  .strict()
  .describe('TIGER: RQ-VAE semantic IDs + a hashed user token, a T5 encoder–decoder generating the next item\'s semantic ID, trie-constrained beam ranking.');
export type TigerConfig = z.output<typeof tigerConfig>;
