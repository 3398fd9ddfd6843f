import { describeProtocol } from './describe-protocol';
import { reportMetrics, type ReportRow } from './report-row';

/**
 * A Markdown table (one row per model, metrics to 4 decimals, cases and seconds) followed by the
 * protocol: one line when all rows share it, else one line per row.
 */
export function toMarkdownTable(rows: readonly ReportRow[], metrics?: readonly string[]): string {
  const cols = reportMetrics(rows, metrics);
  const cell = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '–' : v.toFixed(4));
  const lines = [
    `| model | ${cols.join(' | ')} | cases | seconds |`,
    `|---|${cols.map(() => '---:').join('|')}|---:|---:|`,
    ...rows.map((r) => `| ${escape(r.name)} | ${cols.map((m) => cell(r.result.metrics[m])).join(' | ')} | ${r.result.count} | ${r.result.seconds.toFixed(1)} |`),
  ];
  const descriptions = rows.map((r) => describeProtocol(r.result.protocol));
  const distinct = [...new Set(descriptions)];
  const protocol =
    distinct.length <= 1 ? [`Protocol: ${distinct[0] ?? 'no results'}`] : rows.map((r, i) => `Protocol (${escape(r.name)}): ${descriptions[i]}`);
  return [...lines, '', ...protocol].join('\n') + '\n';
}

function escape(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
