#!/usr/bin/env node
// The README quick start, measured: `rec run --indexer hvqae --tasks all` on the embedded synthetic default, its
// wall time, and popularity's HR@10/NDCG@10 on the same split (computed here, independently of the run).
// Usage: node bench/ed2/quickstart.cjs            (runs it: ~9 min on 2 cores)
//        node bench/ed2/quickstart.cjs --record <run dir> --seconds <wall s>   (an existing run folder)
// Writes bench/ed2/results-quickstart.json.
require('reflect-metadata');
const { execFileSync } = require('node:child_process');
const { readFileSync, writeFileSync, mkdtempSync } = require('node:fs');
const { join } = require('node:path');
const { tmpdir, loadavg } = require('node:os');
const root = join(__dirname, '..', '..');
const core = require(join(root, 'packages/core/dist/index.js'));
const { buildRegistry } = require(join(root, 'packages/cli/dist/index.js'));

async function popularity() {
  const corpus = await (await core.resolveDataset('synthetic', {}, buildRegistry())).load();
  const split = core.leaveOneOut(corpus);
  const n = new Array(split.numItems).fill(0);
  for (const s of split.train) for (const i of s) n[i]++;
  const order = n.map((c, i) => [c, i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map((x) => x[1]);
  const rank = new Map(order.map((it, r) => [it, r]));
  let hr = 0, ndcg = 0;
  for (const c of split.test) {
    const r = rank.get(c.target);
    if (r < 10) { hr++; ndcg += 1 / Math.log2(r + 2); }
  }
  return { 'hr@10': hr / split.test.length, 'ndcg@10': ndcg / split.test.length, users: split.test.length };
}

(async () => {
  const args = process.argv.slice(2);
  let dir = args.includes('--record') ? args[args.indexOf('--record') + 1] : undefined;
  let seconds = args.includes('--seconds') ? Number(args[args.indexOf('--seconds') + 1]) : undefined;
  const load = [loadavg()[0]];
  if (!dir) {
    dir = join(mkdtempSync(join(tmpdir(), 'ed2-quick-')), 'run');
    const t0 = Date.now();
    execFileSync(process.execPath, [join(root, 'packages/cli/bin/run.js'), 'run', '--indexer', 'hvqae', '--tasks', 'all', '--out', dir, '--no-progress'], { stdio: 'inherit' });
    seconds = (Date.now() - t0) / 1000;
  }
  load.push(loadavg()[0]);
  const m = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
  const pop = await popularity();
  const out = {
    command: 'rec run --indexer hvqae --tasks all',
    dataset: 'synthetic (embedded default, 2,000 users, 1,000 items)',
    wallSeconds: seconds,
    loadAverage: load,
    test: m.test,
    perTemplate: m.perTemplate,
    validBest: m.valid,
    trainSeconds: m.train.seconds,
    evalSeconds: m.evalSeconds,
    parameters: m.parameters,
    popularity: pop,
    ratioHr10: m.test['hr@10'] / pop['hr@10'],
    ratioNdcg10: m.test['ndcg@10'] / pop['ndcg@10'],
  };
  writeFileSync(join(__dirname, 'results-quickstart.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log(JSON.stringify({ test: m.test['hr@10'], popularity: pop['hr@10'], seconds }, null, 2));
})();
