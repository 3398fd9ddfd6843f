import { RecError, closestNames } from '@ed2/core';
import { csvIndexFormat } from './csv-index-format';
import { INDEX_FORMAT_NAMES, type IndexFormat, type IndexFormatName } from './index-format';
import { lcrecJsonIndexFormat } from './lcrec-json-index-format';
import { recboleIndexFormat } from './recbole-index-format';

/** The index file formats by name (`rec index export|import --format`). */
export const INDEX_FORMATS: Readonly<Record<IndexFormatName, IndexFormat>> = {
  'lcrec-json': lcrecJsonIndexFormat,
  csv: csvIndexFormat,
  recbole: recboleIndexFormat,
};

/** The format called `name`, or the one `file`'s ending implies when `name` is undefined. */
export function indexFormat(name: string | undefined, file?: string): IndexFormat {
  if (name === undefined) {
    const f = file ?? '';
    if (f.endsWith('.json')) return lcrecJsonIndexFormat;
    if (f.endsWith('.csv')) return csvIndexFormat;
    if (/\.(item|user)$/.test(f)) return recboleIndexFormat;
    throw new RecError('E_CONFIG', `cannot tell the index format of ${f} from its name`, { hint: `Pass --format (${INDEX_FORMAT_NAMES.join(', ')}).` });
  }
  const fmt = INDEX_FORMATS[name as IndexFormatName];
  if (!fmt) {
    const close = closestNames(name, INDEX_FORMAT_NAMES);
    throw new RecError('E_CONFIG', `unknown index format "${name}"${close.length ? ` (did you mean ${close.join(', ')}?)` : ''}`, { hint: `Use one of ${INDEX_FORMAT_NAMES.join(', ')}.` });
  }
  return fmt;
}
