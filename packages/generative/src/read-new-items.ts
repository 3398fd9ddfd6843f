import { z } from 'zod';
import { existsSync } from 'node:fs';
import { RecError, dataFormatError, parseJsonText, readTextFile, splitLines, type ItemRecord } from '@ed2/core';

const NewItem = z.object({
  key: z.union([z.string().min(1), z.number()]).transform(String),
  title: z.string().optional(),
  description: z.string().optional(),
  brand: z.string().optional(),
  categories: z.union([z.array(z.string()), z.string().transform((s) => s.split(/\s*[,|]\s*/).filter(Boolean))]).optional(),
}).strict();

/**
 * New items for `rec index add`: a JSON array, or JSON lines (one object per line), of
 * `{key, title?, description?, brand?, categories?}` (categories: an array or a comma/pipe separated string).
 * UTF-8 BOM and CRLF tolerated; a bad entry is E_DATA_FORMAT naming the file, the entry and the field.
 */
export async function readNewItems(file: string): Promise<Omit<ItemRecord, 'id'>[]> {
  if (!existsSync(file)) throw new RecError('E_DATA_MISSING', `new items file ${file} does not exist`, { hint: 'Give a JSON array or JSON lines of {"key": …, "title": …}.' });
  const text = await readTextFile(file);
  const trimmed = text.trim();
  const entries: { where: string; value: unknown }[] = trimmed.startsWith('[')
    ? (parseJsonText(text, file) as unknown[]).map((value, i) => ({ where: `entry ${i}`, value }))
    : splitLines(text).flatMap((line, i) => (line.trim() ? [{ where: `line ${i + 1}`, value: parseJsonText(line, `${file} line ${i + 1}`) }] : []));
  if (!entries.length) throw dataFormatError(file, undefined, 'no items', 'Give a JSON array or JSON lines of {"key": …, "title": …}.');
  const seen = new Set<string>();
  return entries.map(({ where, value }) => {
    const r = NewItem.safeParse(value);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw dataFormatError(file, where, `${issue.path.join('.') || 'item'}: ${issue.message}`, 'Each item needs a "key" and may have "title", "description", "brand", "categories".');
    }
    if (seen.has(r.data.key)) throw dataFormatError(file, where, `item key "${r.data.key}" appears twice`, 'Give each new item its own key.');
    seen.add(r.data.key);
    const { key, title, description, brand, categories } = r.data;
    return { key, ...(title ? { title } : {}), ...(description ? { description } : {}), ...(brand ? { brand } : {}), ...(categories?.length ? { categories } : {}) };
  });
}
