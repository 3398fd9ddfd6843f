import type { ItemRecord, Rng } from '@ed2/core';

const STOPWORDS = new Set(
  'a an and are as at be by for from in into is it its of on or the to with without x pack pcs set size inch inches new'.split(' '),
);

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 1 && !/^\d+$/.test(w) && !STOPWORDS.has(w));
}

/** Which item fields a derived query used, e.g. `category+title+brand`. */
export interface DerivedQuery {
  readonly query: string;
  readonly fields: string;
}

/**
 * A search query a user might type for `item`, made from its characteristics: the most specific
 * category, up to `titleWords` keywords of the title (seeded choice, kept in title order) and the
 * brand. Lower-case, no repeated words. Undefined when the item has none of these.
 */
export function deriveQuery(item: ItemRecord, titleWords: number, rng: Rng, withBrand = true): DerivedQuery | undefined {
  const used: string[] = [];
  const out: string[] = [];
  const add = (ws: readonly string[], field: string) => {
    const fresh = ws.filter((w, i) => !out.includes(w) && ws.indexOf(w) === i);
    if (!fresh.length) return;
    out.push(...fresh);
    used.push(field);
  };
  const leaf = item.categories?.length ? item.categories[item.categories.length - 1] : undefined;
  if (leaf) add(words(leaf), 'category');
  if (item.title) {
    const title = [...new Set(words(item.title))].filter((w) => !out.includes(w));
    if (title.length > titleWords) {
      const keep = new Set(rng.sample([...title.keys()], titleWords));
      add(title.filter((_, i) => keep.has(i)), 'title');
    } else add(title, 'title');
  }
  if (withBrand && item.brand) add(words(item.brand), 'brand');
  return out.length ? { query: out.join(' '), fields: used.join('+') } : undefined;
}
