import { parseJsonText, readTextFile } from './read-text-file';

/** Parse a JSON file (UTF-8, BOM tolerated); syntax errors become E_DATA_FORMAT naming the file, line and column. */
export async function readJsonFile(file: string): Promise<unknown> {
  return parseJsonText(await readTextFile(file), file);
}
