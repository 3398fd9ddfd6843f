import { reportMetrics, type ReportRow } from './report-row';

/**
 * CSV (RFC 4180) with one row per model: name, the metrics at full precision, count, seconds and
 * the protocol columns (ranking, numItems/topK, excludeSeen, ties).
 */
export function toCsv(rows: readonly ReportRow[], metrics?: readonly string[]): string {
  const cols = reportMetrics(rows, metrics);
  const header = ['name', ...cols, 'count', 'seconds', 'ranking', 'numItems', 'topK', 'excludeSeen', 'ties'];
  const body = rows.map((r) => {
    const p = r.result.protocol;
    return [
      r.name,
      ...cols.map((m) => (r.result.metrics[m] === undefined ? '' : String(r.result.metrics[m]))),
      String(r.result.count),
      String(r.result.seconds),
      p.ranking,
      p.numItems === undefined ? '' : String(p.numItems),
      p.topK === undefined ? '' : String(p.topK),
      String(p.excludeSeen),
      p.ties,
    ];
  });
  return [header, ...body].map((line) => line.map(quote).join(',')).join('\n') + '\n';
}

function quote(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
