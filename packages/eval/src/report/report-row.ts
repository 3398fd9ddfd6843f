import type { EvalResult } from '../evaluator/eval-result';

/** One line of a comparison table: a model (or run) name and its evaluation. */
export interface ReportRow {
  readonly name: string;
  readonly result: Pick<EvalResult, 'metrics' | 'count' | 'seconds' | 'protocol'>;
}

/** The metric columns: `metrics` if given, else every metric of the rows in first-seen order. */
export function reportMetrics(rows: readonly ReportRow[], metrics?: readonly string[]): string[] {
  if (metrics) return [...metrics];
  const seen = new Set<string>();
  for (const r of rows) for (const m of Object.keys(r.result.metrics)) seen.add(m);
  return [...seen];
}
