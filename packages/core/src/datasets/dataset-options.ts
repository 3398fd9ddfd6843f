import { z } from 'zod';
import type { Corpus } from '../domain/corpus';
import { kCore } from '../data/k-core';

/** Options every dataset plugin accepts (spread into each plugin's schema). */
export const datasetOptionsShape = {
  kCore: z
    .number()
    .int()
    .min(0)
    .default(0)
    .describe('Iterative k-core filter applied after loading (0 = off): drops users and items with fewer than k interactions, then renumbers ids densely.'),
  minSequenceLength: z
    .number()
    .int()
    .min(1)
    .default(1)
    .describe('Drop users with fewer items than this after loading (and after k-core); users are renumbered densely.'),
};

export const datasetOptionsSchema = z.object(datasetOptionsShape).strict();
export type DatasetOptions = z.output<typeof datasetOptionsSchema>;

/** Drop users with fewer than `min` items, renumbering users (items keep their ids); reviews follow. */
function dropShortUsers(corpus: Corpus, min: number): Corpus {
  const keep = corpus.sequences.map((s) => s.length >= min);
  if (keep.every(Boolean)) return corpus;
  const newId = new Map<number, number>();
  keep.forEach((k, u) => k && newId.set(u, newId.size));
  return {
    ...corpus,
    users: corpus.users.filter((_, u) => keep[u]).map((u) => ({ ...u, id: newId.get(u.id)! })),
    sequences: corpus.sequences.filter((_, u) => keep[u]),
    ...(corpus.timestamps ? { timestamps: corpus.timestamps.filter((_, u) => keep[u]) } : {}),
    ...(corpus.reviews ? { reviews: corpus.reviews.filter((r) => keep[r.user]).map((r) => ({ ...r, user: newId.get(r.user)! })) } : {}),
    source: { ...corpus.source, minSequenceLength: min },
  };
}

/** Apply the shared options (k-core first, then the minimum sequence length). */
export function applyDatasetOptions(corpus: Corpus, options: Partial<DatasetOptions>): Corpus {
  let out = corpus;
  if (options.kCore && options.kCore > 0) out = kCore(out, options.kCore);
  if (options.minSequenceLength && options.minSequenceLength > 1) out = dropShortUsers(out, options.minSequenceLength);
  return out;
}
