import { z } from 'zod';

/**
 * What a result was measured under, written next to every result (`metrics.json` of `rec run`, each
 * row of `rec bench` / `rec ablate`). `rec bench` only puts rows in one table when the fields that
 * decide comparability agree (see `protocolDifferences`).
 */
export const protocolManifestSchema = z
  .strictObject({
    split: z
      .strictObject({
        kind: z.string().describe("How cases were cut, e.g. 'leave-one-out (chronological)'."),
        train: z.number().int().min(0).describe('Training sequences.'),
        valid: z.number().int().min(0).describe('Validation cases.'),
        test: z.number().int().min(0).describe('Test cases.'),
      })
      .describe('The split and its sizes.'),
    data: z
      .strictObject({
        name: z.string(),
        hash: z.string().describe('interactionsHash of the loaded interactions (stable across paths and loaders).'),
        users: z.number().int().min(0),
        items: z.number().int().min(0),
        interactions: z.number().int().min(0),
      })
      .describe('The data the split was cut from.'),
    candidates: z.enum(['all', 'sampled']).describe("'all': the target competes with every item; 'sampled': with sampled negatives only."),
    rankedBy: z.enum(['scores', 'generation']).describe("'scores': every item scored and sorted; 'generation': position in the generated top-K list."),
    topK: z.number().int().min(1).nullable().describe('Length of the generated list (generation), else null.'),
    seenItems: z.enum(['masked', 'ranked']).describe("'masked': the user's history items cannot be recommended; 'ranked': they compete like any item."),
    beam: z.number().int().min(1).nullable().describe('Beam width of the search (generation), else null.'),
    constraint: z.enum(['trie', 'none', 'n/a']).describe("'trie': generation restricted to valid item indices; 'none': free generation; 'n/a': score-based ranking."),
    templates: z.number().int().min(1).describe('Prompt templates the metrics are averaged over (1 when the model has none).'),
    ks: z.array(z.number().int().min(1)).describe('Cut-offs of HR@K / NDCG@K.'),
    seeds: z.array(z.number().int()).min(1).describe('Seeds the reported numbers come from.'),
    backend: z.string().describe('Tensor backend the run used.'),
  })
  .describe('Protocol manifest of a result.');

export type ProtocolManifest = z.infer<typeof protocolManifestSchema>;

/** Reads a stored manifest; `undefined` for a result written before manifests existed or not matching the schema. */
export function parseProtocolManifest(value: unknown): ProtocolManifest | undefined {
  const r = protocolManifestSchema.safeParse(value);
  return r.success ? r.data : undefined;
}
