#!/usr/bin/env node
// Collects finished ED² runs, a `rec ablate` folder and a `rec bench` folder into one results JSON (the bench/README
// tables are copied from it). Wall time and peak RSS come from the `/usr/bin/time -v` logs of each attempt of a run
// (a run stopped and resumed has several: wall times add up, the peak is the largest).
// Usage: node bench/ed2/record.cjs --out bench/ed2/results-scientific.json \
//          --run name=<dir>:<time log>[,<time log>…] …  [--ablation <dir>] [--bench <dir>] [--popularity <json file>] [--note text]
const { readFileSync, writeFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');

const args = process.argv.slice(2);
const many = (flag) => args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));
const one = (flag) => many(flag)[0];
const json = (f) => JSON.parse(readFileSync(f, 'utf8'));

function timeLog(file) {
  const t = readFileSync(file, 'utf8');
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)/.exec(t)?.[1];
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(t)?.[1];
  if (!wall || !rss) throw new Error(`${file}: no /usr/bin/time -v summary (wall clock, maximum resident set size)`);
  const parts = wall.split(':').map(Number);
  const seconds = parts.reduce((s, x) => s * 60 + x, 0);
  return { seconds, peakMiB: Number(rss) / 1024, exit: Number(/Exit status: (\d+)/.exec(t)?.[1] ?? NaN) };
}

function run(spec) {
  const [name, rest] = spec.split('=');
  const [dir, logs] = rest.split(':');
  const m = json(join(dir, 'metrics.json'));
  const history = json(join(dir, 'train-history.json'));
  const cfg = json(join(dir, 'config.json'));
  const attempts = (logs ?? '').split(',').filter(Boolean).map(timeLog);
  const epochs = (Array.isArray(history) ? history : history.history ?? []).map((h) => ({
    epoch: h.epoch, loss: h.loss, terms: h.terms, validNdcg10: h.valid?.['ndcg@10'], validHr10: h.valid?.['hr@10'], seconds: h.seconds,
    ...(h.tokens !== undefined ? { tokens: h.tokens, stepSeconds: h.stepSeconds, tokensPerSecond: h.tokens / h.stepSeconds } : {}),
  }));
  return {
    name, dir, model: m.model, modelConfig: cfg.modelConfig, test: m.test, perTemplate: m.perTemplate, validBest: m.valid,
    manifest: m.manifest, parameters: m.parameters, train: m.train, evalSeconds: m.evalSeconds,
    wallSeconds: attempts.reduce((s, a) => s + a.seconds, 0), attempts, peakMiB: Math.max(0, ...attempts.map((a) => a.peakMiB)),
    epochs,
  };
}

const out = { date: new Date().toISOString().slice(0, 10), note: one('--note'), runs: many('--run').map(run) };
const abl = one('--ablation');
if (abl) out.ablation = json(join(abl, 'ablation.json'));
const bench = one('--bench');
if (bench) out.bench = json(join(bench, 'bench.json'));
const pop = one('--popularity');
if (pop && existsSync(pop)) out.popularity = json(pop);
writeFileSync(one('--out'), `${JSON.stringify(out, null, 1)}\n`);
for (const r of out.runs) {
  const t = r.test;
  console.log(`| ${r.name} | ${[t['hr@1'], t['hr@5'], t['hr@10'], t['ndcg@5'], t['ndcg@10']].map((x) => x.toFixed(4)).join(' | ')} | ${Math.round(r.wallSeconds)} s | ${Math.round(r.peakMiB)} MiB |`);
}
