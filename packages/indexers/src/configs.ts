import { z } from 'zod';

const int = () => z.number().int();

const branchOptions = {
  kind: z.enum(['item', 'user']).default('item').describe('Branch: item or user indices.'),
  prefix: z.string().regex(/^[a-z0-9_]*$/).optional().describe("Token prefix (default '' for items, 'u_' for users): `<${prefix}a_12>`."),
  levels: int().min(1).max(15).default(4).describe('Index length M (codes per entity).'),
  codebookSize: int().min(2).default(256).describe('Codewords per level N.'),
  codeDim: int().positive().default(64).describe('Codeword dimension D.'),
  suffixTokens: int().min(0).default(8).describe('Collision suffix tokens <p_k> always in the vocabulary (more are added if needed).'),
  seed: int().min(0).optional().describe('Seed (default: derived from the run seed).'),
};

const { codebookSize: _n, ...branchBase } = branchOptions;

const training = {
  encoderWidths: z.array(int().positive()).default([]).describe('Hidden widths of the MLP encoder (decoder mirrors them); empty = halve from the input dim down to 2·D.'),
  epochs: int().min(0).default(20).describe('Training epochs of fit().'),
  batchSize: int().positive().default(256).describe('Entities per step.'),
  learningRate: z.number().positive().default(1e-3).describe('AdamW learning rate.'),
  weightDecay: z.number().min(0).default(0).describe('AdamW decoupled weight decay.'),
  commitmentWeight: z.number().min(0).default(0.25).describe('β: weight of the commitment term ‖x − sg(c)‖² (the codebook term ‖sg(x) − c‖² has weight 1).'),
  kmeansInit: z.boolean().default(true).describe("Initialise every level's codebook by k-means on the first batch's residuals."),
  kmeansIters: int().min(1).default(10).describe('Lloyd iterations of the k-means initialisation.'),
  initSamples: int().positive().default(4096).describe('Entities sampled for the k-means initialisation (at least N).'),
  restartAfter: int().min(0).default(20).describe('Dead-code restart: a codeword unused for this many steps is re-seeded from a random residual (0 = off).'),
};

export const hvqaeConfig = z
  .object({
    ...branchOptions,
    ...training,
    kappaInit: z.number().positive().default(10).describe('Initial vMF concentration κ (added to kappaMin).'),
    kappaMin: z.number().min(0).default(1).describe('Lower bound of κ.'),
    vmfScale: z.number().positive().optional().describe('The vMF latent is drawn with concentration κ·vmfScale (default D: on S^{D−1} the angular spread ≈ √((D−1)/concentration), so it must grow with D).'),
    gumbelTemperature: z.number().positive().default(1).describe('Temperature of the Gumbel-softmax relaxation.'),
    gumbel: z.boolean().default(true).describe('Sample the codeword with Gumbel noise in training (false: straight-through softmax at argmax).'),
  })
  .strict()
  .describe('HVQAE: MLP encoder + M cascaded variational (vMF) quantizers with straight-through Gumbel-softmax code choice (ED²).');
export type HvqaeConfig = z.output<typeof hvqaeConfig>;

export const rqvaeConfig = z
  .object({
    ...branchOptions,
    ...training,
    sinkhorn: z.boolean().default(false).describe('Re-assign colliding entities on the last level by Sinkhorn (uniform semantic mapping).'),
    sinkhornEpsilon: z.number().positive().default(0.05).describe('Entropic regularisation of the Sinkhorn re-assignment.'),
    sinkhornIters: int().positive().default(50).describe('Sinkhorn iterations.'),
  })
  .strict()
  .describe('RQ-VAE (TIGER / LC-Rec): MLP encoder + residual quantization with straight-through gradients, static.');
export type RqvaeConfig = z.output<typeof rqvaeConfig>;

export const lshConfig = z
  .object({
    ...branchBase,
    bits: int().min(1).max(16).default(8).describe('Hyperplanes h per level: tokens in [0, 2^h).'),
    mode: z.enum(['static', 'dynamic']).default('static').describe('static: hash once at fit; dynamic: re-hash whenever assign() gets refreshed representations.'),
  })
  .strict()
  .describe('Random-hyperplane LSH: token = Σ_i 2^i·[φ_iᵀx > 0] over h hyperplanes, repeated M times.');
export type LshConfig = z.output<typeof lshConfig>;

export const staticConfig = z
  .object({
    ...branchOptions,
    source: z.enum(['file', 'pseudo', 'random']).default('pseudo').describe('file: precomputed index JSON; pseudo: the entity id in base N; random: seeded random codes.'),
    path: z.string().optional().describe('Index file ({"<id>": ["<a_12>", …]}) when source = file.'),
  })
  .strict()
  .describe('Precomputed (frozen) indices: a file such as Instruments.index.json, pseudo-IDs or random codes.');
export type StaticConfig = z.output<typeof staticConfig>;
