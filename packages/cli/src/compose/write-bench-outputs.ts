import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { barChartSpec, comparisonCsv, comparisonMarkdown, renderChartPng } from '@ed2/eval';
import type { BenchTable } from './bench-comparison';
import type { BenchRow } from './run-bench';

export interface BenchOutputs {
  readonly markdown: string;
  /** Paths written: `<name>.md`, `<name>.json`, and per table `<name><slug>.csv` / `<name><slug>.png`. */
  readonly files: string[];
}

const label = (m: string) => m.replace(/^(hr|ndcg|mrr)/, (s) => s.toUpperCase());

/**
 * Writes a bench folder's comparison: Markdown (every table, its chart, the protocol, the run folders and
 * wall times), JSON (the same numbers in full, with each row's manifest and runs), and per table a CSV and a
 * bar-chart PNG (mean per metric and model, 95% CI bars with several seeds).
 */
export async function writeBenchOutputs(dir: string, name: string, header: { readonly title: string; readonly dataset: string; readonly command?: string }, tables: readonly BenchTable[], rows: readonly BenchRow[]): Promise<BenchOutputs> {
  const files: string[] = [];
  const md: string[] = [`# ${header.title}`, ''];
  md.push(`Dataset \`${header.dataset}\`${header.command ? `; command: \`${header.command}\`` : ''}.`, '');
  const first = Object.values(tables[0].manifests)[0];
  md.push(
    `Protocol: ${first.split.kind}, ${first.split.train} training sequences / ${first.split.valid} validation / ${first.split.test} test cases; data ${first.data.hash.slice(0, 19)}… (${first.data.users} users, ${first.data.items} items, ${first.data.interactions} interactions); the target competes with ${first.candidates === 'all' ? 'all items' : 'sampled items'}; seen items ${first.seenItems}; seeds ${first.seeds.join(', ')}.`,
    '',
  );
  for (const t of tables) {
    md.push(comparisonMarkdown(t.comparison, { title: t.title }));
    const gen = Object.entries(t.manifests).filter(([, m]) => m.rankedBy === 'generation');
    if (gen.length) {
      const how = new Map<string, string[]>();
      for (const [n, m] of gen) {
        const d = `top-${m.topK ?? '?'} lists by beam search of width ${m.beam ?? '?'} (constraint: ${m.constraint}), ${m.templates} template${m.templates > 1 ? 's' : ''} averaged`;
        how.set(d, [...(how.get(d) ?? []), n]);
      }
      const all = gen.length === Object.keys(t.manifests).length;
      md.push(`Generated lists: ${[...how].map(([d, ns]) => (all && how.size === 1 ? `every row, ${d}` : `${ns.join(', ')}: ${d}`)).join('; ')}.${all ? '' : ' The other rows rank every item by score.'}`, '');
    }
    if (t.differences.length) md.push('**Mixed protocols (--allow-mixed-protocols):**', '', ...t.differences.map((d) => `- ${d.field}: ${Object.entries(d.values).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ')}`), '');
    const csv = join(dir, `${name}${t.slug}.csv`);
    writeFileSync(csv, comparisonCsv(t.comparison));
    files.push(csv);
    const png = join(dir, `${name}${t.slug}.png`);
    const multi = t.comparison.rows.some((r) => r.seeds.length > 1);
    const spec = barChartSpec(
      t.comparison.rows.flatMap((r) => t.comparison.metrics.map((m) => ({ model: r.name, metric: label(m), value: r.mean[m], ...(multi ? { lower: r.ci[m].lower, upper: r.ci[m].upper } : {}) }))),
      { title: t.title },
    );
    writeFileSync(png, (await renderChartPng(spec)).png);
    files.push(png);
    md.push(`![${t.title}](${name}${t.slug}.png)`, '');
  }
  md.push('## Runs', '', '| row | seed | run folder | wall time |', '|---|---:|---|---:|');
  for (const r of rows) for (const x of r.runs) md.push(`| ${r.entry.name}${r.sameAs ? ` (= ${r.sameAs})` : ''} | ${x.seed} | ${x.dir} | ${x.seconds.toFixed(1)} s |`);
  md.push('', 'Wall time: run.json start to end of a run finished in one attempt (data, features, warm-up, training, test, reports); for a resumed run, the trainer\'s training + test seconds.');
  const markdown = md.join('\n') + '\n';
  const mdFile = join(dir, `${name}.md`);
  writeFileSync(mdFile, markdown);
  const json = join(dir, `${name}.json`);
  writeFileSync(
    json,
    `${JSON.stringify(
      {
        title: header.title,
        dataset: header.dataset,
        ...(header.command ? { command: header.command } : {}),
        tables: tables.map((t) => ({ title: t.title, ...t.comparison, manifests: t.manifests, differences: t.differences })),
        runs: rows.map((r) => ({ name: r.entry.name, id: r.entry.id, model: r.entry.model, modelConfig: r.entry.modelConfig, ...(r.sameAs ? { sameAs: r.sameAs } : {}), runs: r.runs.map((x) => ({ seed: x.seed, dir: x.dir, seconds: x.seconds, test: x.metrics })) })),
      },
      null,
      2,
    )}\n`,
  );
  files.unshift(mdFile, json);
  return { markdown, files };
}
