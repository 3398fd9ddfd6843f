import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { dataFormatError } from './data-format-error';

/** Text without a leading UTF-8 byte-order mark (U+FEFF), which editors on Windows often write. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Lines of `text` split on LF or CRLF (a lone trailing CR on a line is dropped). */
export function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

/** A UTF-8 text file, byte-order mark removed. */
export async function readTextFile(path: string): Promise<string> {
  return stripBom(await readFile(path, 'utf8'));
}

/** A UTF-8 text file, byte-order mark removed (synchronous form, for loaders that are). */
export function readTextFileSync(path: string): string {
  return stripBom(readFileSync(path, 'utf8'));
}

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

/** Parse JSON text read from `file` (BOM tolerated); syntax errors become E_DATA_FORMAT naming the file, line and column. */
export function parseJsonText(text: string, file: string): unknown {
  const clean = stripBom(text);
  try {
    return JSON.parse(clean) as unknown;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const m = /position (\d+)/.exec(msg);
    const where = m ? lineColumn(clean, Number(m[1])) : clean.trim() === '' ? { line: 1, column: 1 } : undefined;
    throw dataFormatError(
      basename(file),
      where ? `line ${where.line}, column ${where.column}` : undefined,
      clean.trim() === '' ? 'file is empty (expected JSON)' : `invalid JSON: ${msg}`,
      `Check ${file} with a JSON validator (e.g. \`node -e "JSON.parse(require('fs').readFileSync(process.argv[1]))" ${file}\`).`,
      e,
    );
  }
}
