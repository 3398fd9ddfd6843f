import type { Corpus, ItemId, Review, UserId } from '@ed2/core';
import { truncateWords } from './item-text';

export type SummarySource = 'profile' | 'reviews' | 'history';

export interface PreferenceSummary {
  readonly text: string;
  readonly source: SummarySource;
}

export interface SummaryOptions {
  /** Sources tried in order; the first with text wins. */
  readonly sources: readonly SummarySource[];
  readonly maxWords: number;
  /** How many reviews / categories / titles go into a summary. */
  readonly topK: number;
}

function fromHistory(corpus: Corpus, history: readonly ItemId[], topK: number): string | undefined {
  const counts = new Map<string, { n: number; last: number }>();
  history.forEach((i, t) => {
    const c = corpus.items[i]?.categories;
    const leaf = c?.length ? c[c.length - 1].trim() : '';
    if (leaf) counts.set(leaf, { n: (counts.get(leaf)?.n ?? 0) + 1, last: t });
  });
  // most frequent first; ties: the more recently bought category first
  const cats = [...counts.entries()].sort((a, b) => b[1].n - a[1].n || b[1].last - a[1].last).slice(0, topK).map(([c]) => c);
  const titles: string[] = [];
  for (let t = history.length - 1; t >= 0 && titles.length < topK; t--) {
    const title = corpus.items[history[t]]?.title?.trim();
    if (title && !titles.includes(title)) titles.push(title);
  }
  const parts: string[] = [];
  if (cats.length) parts.push(`Mostly interested in ${cats.join(', ')}.`);
  if (titles.length) parts.push(`Recently bought: ${titles.join('; ')}.`);
  return parts.length ? parts.join(' ') : undefined;
}

/**
 * A user's preference summary from the first source that has text: the user's own profile,
 * their reviews of TRAINING items (most recent `topK`), or the leaf categories (by frequency) and
 * most recent titles of the training history. Undefined when no source has anything.
 */
export function preferenceSummary(corpus: Corpus, user: UserId, history: readonly ItemId[], reviews: ReadonlyMap<string, Review>, options: SummaryOptions): PreferenceSummary | undefined {
  for (const source of options.sources) {
    let text: string | undefined;
    if (source === 'profile') text = corpus.users[user]?.profile?.trim() || undefined;
    else if (source === 'reviews') {
      const texts: string[] = [];
      for (let t = history.length - 1; t >= 0 && texts.length < options.topK; t--) {
        const r = reviews.get(`${user}:${history[t]}`);
        const s = (r?.summary ?? r?.text)?.trim();
        if (s && !texts.includes(s)) texts.push(s);
      }
      text = texts.length ? texts.reverse().join(' ') : undefined;
    } else text = fromHistory(corpus, history, options.topK);
    if (text) return { text: truncateWords(text, options.maxWords), source };
  }
  return undefined;
}
