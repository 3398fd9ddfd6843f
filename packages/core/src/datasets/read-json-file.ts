import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { dataFormatError } from './data-format-error';

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: pos - last };
}

/** Parse a JSON file; syntax errors become E_DATA_FORMAT naming the file, line and column. */
export async function readJsonFile(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const m = /position (\d+)/.exec(msg);
    const where = m ? lineColumn(text, Number(m[1])) : undefined;
    throw dataFormatError(
      basename(file),
      where ? `line ${where.line}, column ${where.column}` : undefined,
      `invalid JSON: ${msg}`,
      `Check ${file} with a JSON validator (e.g. \`node -e "JSON.parse(require('fs').readFileSync(process.argv[1]))" ${file}\`).`,
      e,
    );
  }
}
