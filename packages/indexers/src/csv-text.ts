/*
 * Minimal RFC 4180 CSV (quoted fields, "" escapes, LF or CRLF). Hand-written because the workspace has
 * no CSV library installed and index CSVs are small and simple (ids, integer codes, tokens); adding one
 * would need a lockfile change for ~40 lines.
 */

/** Rows of `text` with each row's 1-based line number; blank lines are skipped. */
export function parseCsv(text: string, file: string, onError: (line: number, problem: string) => Error): { fields: string[]; line: number }[] {
  const out: { fields: string[]; line: number }[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let atStart = true;
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') {
          field += '"';
          i++;
        } else if (c === '"') quoted = false;
        else {
          if (c === '\n') line++;
          field += c;
        }
        continue;
      }
      if (c === '"' && atStart) {
        quoted = true;
        atStart = false;
      } else if (c === ',') {
        fields.push(field);
        field = '';
        atStart = true;
      } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
        if (c === '\r') i++;
        i++;
        line++;
        break;
      } else {
        if (!atStart && field === '' && c === '"') throw onError(line, 'a quote inside an unquoted field');
        field += c;
        atStart = false;
      }
    }
    if (quoted) throw onError(start, `unterminated quoted field in ${file}`);
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) out.push({ fields, line: start });
  }
  return out;
}

/** A field written for CSV: quoted when it holds a comma, a quote or a line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
