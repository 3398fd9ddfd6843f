import type { ItemRecord } from '@ed2/core';

export type AttributeField = 'title' | 'brand' | 'categories' | 'description';

function value(item: ItemRecord, f: AttributeField): string | undefined {
  const v = f === 'categories' ? item.categories?.join(', ') : item[f];
  const t = v?.replace(/\s+/g, ' ').trim();
  return t ? t : undefined;
}

/**
 * An item's attributes flattened to key–value text, DARec's item description: `title: …; brand: …; categories: …`
 * (fields in the given order, empty ones left out; an item with none reads `id: <key>`).
 */
export function attributeText(item: ItemRecord, fields: readonly AttributeField[]): string {
  const parts = fields.flatMap((f) => {
    const v = value(item, f);
    return v ? [`${f}: ${v}`] : [];
  });
  return parts.length ? parts.join('; ') : `id: ${item.key}`;
}

/** The attribute values alone (no keys), lower-cased words: what hard-negative similarity compares. */
export function attributeWords(item: ItemRecord, fields: readonly AttributeField[]): string[] {
  const words = fields.flatMap((f) => (value(item, f) ?? '').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
  return [...new Set(words)];
}
