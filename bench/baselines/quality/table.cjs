#!/usr/bin/env node
// Prints bench/baselines/quality/results.json as the Markdown table used in bench/README.md. Runs recorded
// from a resumed folder show the sum of their epochs' wall times (marked *) or – for train time, and – for throughput. "seen items":
// ranked (the default protocol: full ranking over all items) or masked (`--exclude-seen`: the user's history items
// removed before ranking, as RecBole's full-sort evaluation does).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const r = JSON.parse(fs.readFileSync(path.join(__dirname, 'results.json'), 'utf8'));
const f = (x) => (typeof x === 'number' ? x.toFixed(4) : '–');
const lines = ['| dataset | model | HR@1 | HR@5 | HR@10 | NDCG@5 | NDCG@10 | seen items | epochs (best) | train s | seq/s | eval s | backend |', '|---|---|---|---|---|---|---|---|---|---|---|---|---|'];
const order = ['instruments', 'scientific', 'ml-100k'];
const keys = Object.keys(r.runs).sort((a, b) => order.indexOf(a.split('/')[0]) - order.indexOf(b.split('/')[0]) || a.localeCompare(b));
for (const key of keys) {
  const v = r.runs[key];
  const [ds, model] = key.split('/');
  if (v.error) {
    lines.push(`| ${ds} | ${model} | ${v.error} ||||||||||`);
    continue;
  }
  const t = v.test;
  lines.push(
    `| ${ds} | ${model} | ${f(t['hr@1'])} | ${f(t['hr@5'])} | ${f(t['hr@10'])} | ${f(t['ndcg@5'])} | ${f(t['ndcg@10'])} | ${v.protocol?.excludeSeen ? 'masked' : 'ranked'} | ${v.epochs} (${v.bestEpoch}) | ${v.trainSeconds >= 1 ? Math.round(v.trainSeconds) : v.epochSeconds ? `${Math.round(v.epochSeconds)}*` : '–'} | ${v.trainSeconds >= 1 && v.sequencesPerSecond > 0 ? Math.round(v.sequencesPerSecond) : '–'} | ${v.evalSeconds.toFixed(1)} | ${v.backend} |`,
  );
}
console.log(lines.join('\n'));
