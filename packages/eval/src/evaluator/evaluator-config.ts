import { z } from 'zod';

/** Options of the `Evaluator`. */
export const evaluatorConfig = z
  .object({
    ks: z.array(z.number().int().positive()).min(1).default([1, 5, 10]).describe('Cutoffs K for the metric families (hr@K, ndcg@K).'),
    metrics: z
      .array(z.string())
      .min(1)
      .default(['hr', 'ndcg', 'mrr'])
      .describe('Metric families expanded over ks (hr, ndcg; mrr is the full, untruncated MRR) or explicit names such as ndcg@20, mrr@10.'),
    batchSize: z.number().int().positive().default(512).describe('Cases scored per model call; each batch is ranked on the backend.'),
    excludeSeen: z
      .boolean()
      .default(false)
      .describe("Mask the user's history items (except the target) before ranking. Default false: the paper's protocol ranks over all items."),
    ranking: z
      .enum(['auto', 'full', 'top-k'])
      .default('auto')
      .describe('full: rank the target among all items from score(); top-k: position in recommend() lists; auto: full when the model has score().'),
    topK: z.number().int().positive().optional().describe('List length asked from recommend() for top-k ranking; default the largest cutoff needed. Must be ≥ every K.'),
  })
  .strict();

export type EvaluatorConfig = z.output<typeof evaluatorConfig>;
export type EvaluatorConfigInput = z.input<typeof evaluatorConfig>;
