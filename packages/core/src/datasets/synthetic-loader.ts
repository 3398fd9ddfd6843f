import { z } from 'zod';
import type { Corpus, ItemRecord, Review, UserRecord } from '../domain/corpus';
import type { DatasetLoader } from '../domain/dataset-loader';
import { Rng } from '../random/rng';
import { throwIfAborted } from './throw-if-aborted';
import { applyDatasetOptions, datasetOptionsShape } from './dataset-options';
import { NEGATIVE_OPENERS, NEGATIVE_VERDICTS, POSITIVE_OPENERS, POSITIVE_VERDICTS, SYNTHETIC_WORD_BANKS, type CategoryBank } from './synthetic-word-banks';

const prob = (d: number, what: string) => z.number().min(0).max(1).default(d).describe(what);

export const syntheticConfigSchema = z
  .object({
    seed: z.number().int().default(2025).describe('Seed of the generator: the same seed and options give the same corpus.'),
    numUsers: z.number().int().min(1).default(2000).describe('Number of users.'),
    numItems: z.number().int().min(2).default(1000).describe('Number of items.'),
    numCategories: z.number().int().min(1).default(12).describe('Number of item categories (12 word banks; more reuse them with numbered names).'),
    minLength: z.number().int().min(1).default(5).describe('Shortest user sequence.'),
    maxLength: z.number().int().min(1).default(40).describe('Longest user sequence (lengths are skewed towards short).'),
    chainProbability: prob(0.5, 'Chance that the next item is the "bought together" successor of the previous one.'),
    stayProbability: prob(0.25, 'Chance that the next item is another (popular) item of the same category.'),
    driftProbability: prob(0.03, "Chance per step that one of the user's favourite categories is replaced (taste drift)."),
    reviewFraction: prob(0.3, 'Fraction of interactions that carry a review.'),
    queryFraction: prob(0.3, 'Fraction of reviews that also carry the search query that led to the item.'),
    startTime: z.number().int().default(1_500_000_000).describe('Earliest timestamp (Unix seconds).'),
    ...datasetOptionsShape,
  })
  .strict()
  .refine((c) => c.minLength <= c.maxLength, { message: 'minLength must be <= maxLength', path: ['minLength'] })
  .refine((c) => c.chainProbability + c.stayProbability <= 1, { message: 'chainProbability + stayProbability must be <= 1', path: ['stayProbability'] });
export type SyntheticConfig = z.output<typeof syntheticConfigSchema>;

interface Catalogue {
  readonly items: ItemRecord[];
  readonly category: Int32Array;
  /** Per category: its items, most popular first, and the cumulative popularity weights. */
  readonly members: number[][];
  readonly cumulative: Float64Array[];
  /** The "bought together" successor of each item (a cycle through its category). */
  readonly next: Int32Array;
  readonly words: { adjective: string; noun: string; brand: string; use: string; feature: string }[];
}

const bankOf = (c: number): CategoryBank => SYNTHETIC_WORD_BANKS[c % SYNTHETIC_WORD_BANKS.length]!;
const categoryName = (c: number) => bankOf(c).name + (c >= SYNTHETIC_WORD_BANKS.length ? ` ${Math.floor(c / SYNTHETIC_WORD_BANKS.length) + 1}` : '');

function pick(rng: Rng, cumulative: Float64Array): number {
  const x = rng.next() * cumulative[cumulative.length - 1]!;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function catalogue(cfg: SyntheticConfig, rng: Rng): Catalogue {
  const C = Math.min(cfg.numCategories, cfg.numItems);
  const perm = rng.permutation(cfg.numItems);
  const category = new Int32Array(cfg.numItems);
  const members: number[][] = Array.from({ length: C }, () => []);
  perm.forEach((item, k) => {
    category[item] = k % C;
    members[k % C]!.push(item); // perm order = popularity rank inside the category
  });
  const cumulative = members.map((m) => {
    const cum = new Float64Array(m.length);
    let s = 0;
    m.forEach((_, r) => (cum[r] = s += 1 / Math.pow(r + 1, 0.9)));
    return cum;
  });
  const next = new Int32Array(cfg.numItems);
  for (const m of members) {
    const chain = rng.shuffle([...m]);
    chain.forEach((item, k) => (next[item] = chain[(k + 1) % chain.length]!));
  }
  const words: Catalogue['words'] = [];
  const items: ItemRecord[] = [];
  for (let id = 0; id < cfg.numItems; id++) {
    const c = category[id]!;
    const b = bankOf(c);
    const suffix = c >= SYNTHETIC_WORD_BANKS.length ? ` ${Math.floor(c / SYNTHETIC_WORD_BANKS.length) + 1}` : '';
    const w = { adjective: rng.choice(b.adjectives), noun: rng.choice(b.nouns), brand: rng.choice(b.brands) + suffix, use: rng.choice(b.uses), feature: rng.choice(b.features) };
    words.push(w);
    const material = rng.choice(b.materials);
    const model = `${String.fromCharCode(65 + rng.int(26))}${String.fromCharCode(65 + rng.int(26))}-${100 + rng.int(900)}`;
    items.push({
      id,
      key: `SYN${String(id).padStart(6, '0')}`,
      title: `${w.brand} ${w.adjective} ${w.noun} ${model}`,
      description: `A ${w.adjective} ${w.noun} from our ${categoryName(c).toLowerCase()} range, made for ${w.use}. Built with ${material}; owners praise ${w.feature}.`,
      brand: w.brand,
      categories: ['Musical Instruments', categoryName(c), w.noun],
    });
  }
  return { items, category, members, cumulative, next, words };
}

/** Favourite categories with weights; others keep a small floor so users sometimes explore. */
function taste(C: number, rng: Rng): Float64Array {
  const w = new Float64Array(C).fill(0.02);
  const k = Math.min(C, 2 + rng.int(2));
  for (const c of rng.sample([...Array(C).keys()], k)) w[c] = w[c]! + 0.3 + rng.next();
  return w;
}

/**
 * The embedded default dataset: a seeded synthetic catalogue of instrument-shop items whose titles,
 * descriptions, brands and categories carry their category, and users with latent category tastes,
 * "bought together" item chains, same-category browsing and slow taste drift, so next-item
 * prediction is learnable far above popularity. A fraction of interactions carry a review (item
 * attributes + sentiment, sometimes a search query); every user has a profile derived from their taste.
 */
export class SyntheticLoader implements DatasetLoader {
  readonly name = 'synthetic';

  constructor(private readonly config: SyntheticConfig) {}

  async load(options: { signal?: AbortSignal } = {}): Promise<Corpus> {
    throwIfAborted(options.signal, 'the synthetic dataset');
    const cfg = this.config;
    const root = new Rng(cfg.seed);
    const cat = catalogue(cfg, root.fork('items'));
    const C = cat.members.length;
    const rng = root.fork('users');
    const users: UserRecord[] = [];
    const sequences: number[][] = [];
    const timestamps: number[][] = [];
    const reviews: Review[] = [];
    const tasteCum = (w: Float64Array) => {
      const cum = new Float64Array(w.length);
      let s = 0;
      w.forEach((x, i) => (cum[i] = s += x));
      return cum;
    };
    for (let u = 0; u < cfg.numUsers; u++) {
      const w = taste(C, rng);
      let cum = tasteCum(w);
      const favourites = [...w.keys()].filter((c) => w[c]! > 0.1).sort((a, b) => w[b]! - w[a]!);
      const span = cfg.maxLength - cfg.minLength + 1;
      const len = cfg.minLength + Math.floor(span * rng.next() * rng.next());
      const seq: number[] = [];
      const times: number[] = [];
      let t = cfg.startTime + rng.int(365 * 86400);
      let prev = -1;
      while (seq.length < len) {
        const r = rng.next();
        let item: number;
        if (prev >= 0 && r < cfg.chainProbability) item = cat.next[prev]!;
        else if (prev >= 0 && r < cfg.chainProbability + cfg.stayProbability) {
          const c = cat.category[prev]!;
          item = cat.members[c]![pick(rng, cat.cumulative[c]!)]!;
        } else {
          const c = pick(rng, cum);
          item = cat.members[c]![pick(rng, cat.cumulative[c]!)]!;
        }
        if (rng.next() < cfg.driftProbability) {
          w[rng.int(C)] = 0.02;
          w[rng.int(C)] = 0.3 + rng.next();
          cum = tasteCum(w);
        }
        seq.push(item);
        times.push(t);
        if (rng.next() < cfg.reviewFraction) reviews.push(this.review(u, item, t, w[cat.category[item]!]! > 0.1, cat, rng));
        t += 3600 + rng.int(30 * 86400);
        prev = item;
      }
      const liked = favourites.map((c) => categoryName(c).toLowerCase());
      const topItem = cat.words[seq[0]!]!;
      users.push({
        id: u,
        key: `U${String(u).padStart(6, '0')}`,
        profile: `Mostly shops for ${liked.slice(0, -1).join(', ')}${liked.length > 1 ? ' and ' : ''}${liked[liked.length - 1]}; values ${topItem.feature.replace(/^the /, '')} and often uses gear for ${topItem.use}.`,
      });
      sequences.push(seq);
      timestamps.push(times);
    }
    const corpus: Corpus = {
      name: 'synthetic',
      items: cat.items,
      users,
      sequences,
      timestamps,
      reviews,
      source: { loader: 'synthetic', config: { ...cfg } },
    };
    throwIfAborted(options.signal, 'the synthetic dataset');
    return applyDatasetOptions(corpus, cfg);
  }

  private review(user: number, item: number, time: number, favourite: boolean, cat: Catalogue, rng: Rng): Review {
    const w = cat.words[item]!;
    const positive = rng.next() < (favourite ? 0.85 : 0.4);
    const opener = rng.choice(positive ? POSITIVE_OPENERS : NEGATIVE_OPENERS);
    const verdict = rng.choice(positive ? POSITIVE_VERDICTS : NEGATIVE_VERDICTS);
    const text = `${opener} ${w.adjective} ${w.noun}. ${w.feature.charAt(0).toUpperCase()}${w.feature.slice(1)} ${verdict}, and it suits ${w.use}. ${positive ? `Would buy ${w.brand} again.` : `Not sure about ${w.brand} after this.`}`;
    const review: Review = { user, item, text, summary: `${positive ? 'Good' : 'Poor'} ${w.noun}`, time };
    return rng.next() < this.config.queryFraction ? { ...review, query: `${w.adjective} ${w.noun} for ${w.use}` } : review;
  }
}
