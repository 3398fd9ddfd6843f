import type { IndexerKind } from '@ed2/core';
import type { IndexTable } from './index-table';

export const INDEX_FORMAT_NAMES = ['lcrec-json', 'csv', 'recbole'] as const;
export type IndexFormatName = (typeof INDEX_FORMAT_NAMES)[number];

/** One index file format: text → checked table (E_DATA_FORMAT naming file and line/key) and back. */
export interface IndexFormat {
  readonly name: IndexFormatName;
  /** Usual file name ending, e.g. `.index.json`. */
  readonly extension: string;
  readonly description: string;
  /** `kind` overrides the branch the tokens' prefix implies. */
  parse(text: string, file: string, kind?: IndexerKind): IndexTable;
  format(table: IndexTable): string;
}
