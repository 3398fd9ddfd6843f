import type { Comparison } from './compare-models';

const label = (m: string) => m.replace(/^(hr|ndcg|mrr)/, (s) => s.toUpperCase());

/**
 * The comparison as a Markdown table (Table-1 style): best per metric in bold, second underlined (tied rows alike),
 * `± x` the 95% CI half width over seeds (when more than one), an Improv. row ((best − second) /
 * second) and a p-value row (paired t-test / Wilcoxon of best vs second); Avg.D when the comparison has a reference.
 */
export function comparisonMarkdown(c: Comparison, options: { readonly title?: string } = {}): string {
  const multiSeed = c.rows.some((r) => r.seeds.length > 1);
  const hasD = c.reference !== undefined;
  const hasTime = c.rows.some((r) => r.seconds !== undefined);
  const head = ['model', ...c.metrics.map(label), ...(hasD ? ['Avg.D'] : []), 'seeds', ...(hasTime ? ['wall time'] : [])];
  const lines = [`| ${head.join(' | ')} |`, `|---|${head.slice(1).map(() => '---:').join('|')}|`];
  for (const r of c.rows) {
    const cells = c.metrics.map((m) => {
      const v = r.mean[m].toFixed(4) + (multiSeed ? ` ± ${r.ci[m].halfWidth.toFixed(4)}` : '');
      const lead = c.leaders[m];
      if (r.sameAs !== undefined) return v;
      // ties share the mark: every row equal to the best is bold, every row equal to the second underlined
      const at = (name: string | undefined) => c.rows.find((x) => x.name === name)?.mean[m];
      if (r.mean[m] === at(lead.best)) return `**${v}**${lead.best === r.name && lead.test && lead.test.tP < 0.05 ? '*' : ''}`;
      if (r.mean[m] === at(lead.second)) return `<u>${v}</u>`;
      return v;
    });
    const d = hasD ? [r.name === c.reference ? '–' : `${(r.avgD ?? NaN).toFixed(2)}%`] : [];
    const time = hasTime ? [r.seconds === undefined ? '–' : formatSeconds(r.seconds)] : [];
    lines.push(`| ${escape(r.name)}${r.sameAs !== undefined ? ` (= ${escape(r.sameAs)})` : ''} | ${cells.join(' | ')} | ${d.join('')}${hasD ? ' | ' : ''}${r.seeds.length} |${time.length ? ` ${time[0]} |` : ''}`);
  }
  const pad = [...(hasD ? [''] : []), '', ...(hasTime ? [''] : [])];
  const improv = c.metrics.map((m) => {
    const l = c.leaders[m];
    return l.improvement === undefined ? '–' : `${(100 * l.improvement).toFixed(2)}%`;
  });
  lines.push(`| Improv. (best over second) | ${[...improv, ...pad].join(' | ')} |`);
  const p = c.metrics.map((m) => {
    const t = c.leaders[m].test;
    return t ? `${fmtP(t.tP)} / ${fmtP(t.wilcoxonP)}` : '–';
  });
  lines.push(`| p (t-test / Wilcoxon), best vs second | ${[...p, ...pad].join(' | ')} |`);
  const notes = [
    '',
    `**Bold**: best; <u>underlined</u>: second best. ${multiSeed ? '± is the half width of the t-based 95% confidence interval of the mean over seeds. ' : ''}Improv. = (best − second) / second.`,
    c.significance,
    ...(hasD ? ['Avg.D = 100 · mean over the metrics of (full − variant) / full: the average relative decrease against the full model (positive = worse than full).'] : []),
  ];
  return [...(options.title ? [`## ${options.title}`, ''] : []), ...lines, ...notes].join('\n') + '\n';
}

function fmtP(p: number): string {
  // below ~1e-15 the normal / t tail is not resolved in double precision (it prints as 0): say so instead
  return Number.isNaN(p) ? '–' : p < 1e-15 ? '< 1e-15' : p < 1e-4 ? p.toExponential(1) : p.toFixed(4);
}

function formatSeconds(s: number): string {
  if (s < 90) return `${s.toFixed(1)} s`;
  if (s < 5400) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(2)} h`;
}

function escape(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
