import type { ItemRecord } from '@ed2/core';
import type { ItemTextField } from './task-options';

/** First `maxWords` words of `text` (whitespace-normalised), with "…" when cut. */
export function truncateWords(text: string, maxWords: number): string {
  const words = text.trim().split(/\s+/).filter(Boolean);
  return words.length > maxWords ? `${words.slice(0, maxWords).join(' ')} …` : words.join(' ');
}

function field(item: ItemRecord, f: ItemTextField): string | undefined {
  switch (f) {
    case 'title':
      return item.title;
    case 'description':
      return item.description;
    case 'brand':
      return item.brand;
    case 'categories':
      return item.categories?.length ? item.categories.join(' > ') : undefined;
  }
}

/**
 * An item's text from the chosen fields, in the given order, as sentences: `Title. Description.`
 * Returns undefined when none of the fields has text. `maxWords` caps the whole text.
 */
export function itemText(item: ItemRecord, fields: readonly ItemTextField[], maxWords: number): string | undefined {
  const parts = fields
    .map((f) => field(item, f)?.trim())
    .filter((s): s is string => !!s)
    .map((s) => s.replace(/[.\s]+$/, ''));
  if (!parts.length) return undefined;
  return truncateWords(`${parts.join('. ')}.`, maxWords);
}

/** Whether any item of the list has text in one of `fields`. */
export function anyItemText(items: readonly ItemRecord[], fields: readonly ItemTextField[]): boolean {
  return items.some((it) => fields.some((f) => !!field(it, f)?.trim()));
}
