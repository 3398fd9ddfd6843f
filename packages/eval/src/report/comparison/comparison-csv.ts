import type { Comparison } from './compare-models';

/**
 * The comparison as CSV: one line per row (name, each metric's mean and 95% CI half width, rank of
 * the row on the metric (1 = best; empty for a row sharing another's runs), Avg.D, seeds, seconds), then an `improvement` line
 * ((best − second) / second per metric) and `p_ttest` / `p_wilcoxon` lines (best vs second).
 */
export function comparisonCsv(c: Comparison): string {
  const header = ['name', ...c.metrics.flatMap((m) => [m, `${m}_ci95`, `${m}_rank`]), 'avg_d', 'seeds', 'seconds'];
  const ranked = c.rows.filter((r) => r.sameAs === undefined);
  const rank = (name: string, m: string) => {
    const i = [...ranked].sort((a, b) => b.mean[m] - a.mean[m]).findIndex((r) => r.name === name);
    return i < 0 ? '' : String(i + 1);
  };
  const body = c.rows.map((r) => [r.name, ...c.metrics.flatMap((m) => [String(r.mean[m]), String(r.ci[m].halfWidth), rank(r.name, m)]), r.avgD === undefined ? '' : String(r.avgD), String(r.seeds.length), r.seconds === undefined ? '' : String(r.seconds)]);
  const summary = (name: string, f: (m: string) => number | undefined) => [name, ...c.metrics.flatMap((m) => [f(m) === undefined ? '' : String(f(m)), '', '']), '', '', ''];
  return [
    header,
    ...body,
    summary('improvement', (m) => c.leaders[m].improvement),
    summary('p_ttest', (m) => c.leaders[m].test?.tP),
    summary('p_wilcoxon', (m) => c.leaders[m].test?.wilcoxonP),
  ].map((l) => l.map(quote).join(',')).join('\n') + '\n';
}

function quote(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
