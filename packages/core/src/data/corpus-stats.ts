import type { Corpus } from '../domain/corpus';

export interface CorpusStats {
  readonly users: number;
  readonly items: number;
  readonly interactions: number;
  readonly density: number;
  readonly seqLength: { min: number; mean: number; median: number; max: number };
  /** Gini coefficient of item popularity (0 = uniform, → 1 = concentrated). */
  readonly popularityGini: number;
  /** Users with < 3 items: they get no valid/test case under leaveOneOut. */
  readonly usersTooShortForEval: number;
  /** Fraction of items with a title, of users with a profile. */
  readonly itemTextCoverage: number;
  readonly userTextCoverage: number;
}

export function corpusStats(corpus: Corpus): CorpusStats {
  const lens = corpus.sequences.map((s) => s.length).sort((a, b) => a - b);
  const interactions = lens.reduce((a, b) => a + b, 0);
  const n = lens.length;
  const median = n === 0 ? 0 : n % 2 ? lens[(n - 1) / 2]! : (lens[n / 2 - 1]! + lens[n / 2]!) / 2;
  const pop = new Array<number>(corpus.items.length).fill(0);
  for (const s of corpus.sequences) for (const i of s) pop[i] = (pop[i] ?? 0) + 1;
  pop.sort((a, b) => a - b);
  let cum = 0;
  pop.forEach((c, i) => (cum += (2 * (i + 1) - pop.length - 1) * c));
  const gini = pop.length && interactions ? cum / (pop.length * interactions) : 0;
  return {
    users: corpus.users.length,
    items: corpus.items.length,
    interactions,
    density: corpus.users.length && corpus.items.length ? interactions / (corpus.users.length * corpus.items.length) : 0,
    seqLength: { min: lens[0] ?? 0, mean: n ? interactions / n : 0, median, max: lens[n - 1] ?? 0 },
    popularityGini: gini,
    usersTooShortForEval: lens.filter((l) => l < 3).length,
    itemTextCoverage: corpus.items.length ? corpus.items.filter((i) => i.title).length / corpus.items.length : 0,
    userTextCoverage: corpus.users.length ? corpus.users.filter((u) => u.profile).length / corpus.users.length : 0,
  };
}

/** Human-readable table for `rec data stats`. */
export function formatStats(name: string, s: CorpusStats): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  return [
    `dataset        ${name}`,
    `users          ${s.users}`,
    `items          ${s.items}`,
    `interactions   ${s.interactions}`,
    `density        ${(100 * s.density).toFixed(4)}%`,
    `seq length     min ${s.seqLength.min} / mean ${s.seqLength.mean.toFixed(2)} / median ${s.seqLength.median} / max ${s.seqLength.max}`,
    `popularity gini ${s.popularityGini.toFixed(3)}`,
    `users < 3 items (no valid/test) ${s.usersTooShortForEval}`,
    `text coverage  items ${pct(s.itemTextCoverage)}, users ${pct(s.userTextCoverage)}`,
  ].join('\n');
}
