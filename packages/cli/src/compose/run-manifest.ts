import type { Corpus, CorpusStats, Split } from '@ed2/core';
import { interactionsHash, protocolManifestSchema, type EvalResult, type ProtocolManifest } from '@ed2/eval';

/** What a model may say about how it generates its lists (optional; read by `runManifest`). */
interface GenerationInfo {
  protocolInfo?(): { readonly beam?: number; readonly constraint?: 'trie' | 'none' };
}

export interface RunManifestInput {
  readonly corpus: Corpus;
  readonly split: Split;
  readonly stats: CorpusStats;
  readonly test: EvalResult;
  readonly model: unknown;
  readonly modelConfig: Readonly<Record<string, unknown>>;
  readonly seed: number;
  readonly backend: string;
}

/**
 * The protocol manifest of a finished `rec run` (stored in metrics.json as `manifest`). For a generating
 * model the beam width and constraint come from the model's `protocolInfo()` when it has one, else from its
 * options (`beams` / `beam`; `constrained: false` means free generation) and the evaluation's constraint
 * text; a score-based model has none (`beam: null`, `constraint: 'n/a'`).
 */
export function runManifest(i: RunManifestInput): ProtocolManifest {
  const p = i.test.protocol;
  const generating = p.ranking === 'top-k';
  const info = (i.model as GenerationInfo).protocolInfo?.() ?? {};
  const configBeam = [i.modelConfig.beams, i.modelConfig.beam].find((v): v is number => typeof v === 'number');
  const constraint = info.constraint ?? (i.modelConfig.constrained === false ? 'none' : p.constraint !== undefined && !/trie/i.test(p.constraint) ? 'none' : 'trie');
  return protocolManifestSchema.parse({
    split: { kind: 'leave-one-out (chronological; last item test, second-to-last validation)', train: i.split.train.length, valid: i.split.valid.length, test: i.split.test.length },
    data: { name: i.corpus.name, hash: interactionsHash({ numItems: i.corpus.items.length, sequences: i.corpus.sequences }), users: i.stats.users, items: i.stats.items, interactions: i.stats.interactions },
    candidates: 'all',
    rankedBy: generating ? 'generation' : 'scores',
    topK: generating ? (p.topK ?? null) : null,
    seenItems: p.excludeSeen ? 'masked' : 'ranked',
    beam: generating ? (info.beam ?? configBeam ?? null) : null,
    constraint: generating ? constraint : 'n/a',
    templates: p.templates ?? 1,
    ks: [...p.ks],
    seeds: [i.seed],
    backend: i.backend,
  });
}
