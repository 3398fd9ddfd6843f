#!/usr/bin/env node
// Quality benchmark of the id-based baselines (issue 2 "Must show"): SASRec (CE and BCE) and GRU4Rec
// on amazon-instruments, amazon-scientific and ml-100k, each trained and tested through `rec run`
// (the product path: loader → leave-one-out → early stopping on valid NDCG@10 → full-ranking test).
// Usage: node bench/baselines/quality/run.cjs [--only instruments,sasrec-ce] [--backend auto]
// Needs a build (`npm run build`, done by `npm ci`). Writes results.json next to this file.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '../../..');
const shared = path.resolve(root, '../shared/datasets');
const DATASETS = {
  instruments: path.join(shared, 'amazon-instruments'),
  scientific: path.join(shared, 'amazon-scientific'),
  'ml-100k': path.join(shared, 'ml-100k'),
};
// Settings follow the PyTorch reference in ../shared/datasets/README.md (d 64, 2 layers, 2 heads,
// max len 50, dropout 0.3, N(0, 0.02) init, lr 1e-3, batch 256, early stopping on valid NDCG@10).
const MODELS = {
  'sasrec-ce': ['--model', 'sasrec', '--loss', 'ce', '--set', 'norm=post'],
  'sasrec-bce': ['--model', 'sasrec', '--loss', 'bce', '--set', 'norm=post'],
  gru4rec: ['--model', 'gru4rec'],
};
const args = process.argv.slice(2);
const only = (args[args.indexOf('--only') + 1] ?? '').split(',').filter((s) => args.includes('--only') && s);
const backend = args.includes('--backend') ? args[args.indexOf('--backend') + 1] : 'auto';
const extra = args.includes('--') ? args.slice(args.indexOf('--') + 1) : [];
// --tag t: record results under `<dataset>/<model>+t` (a variant with extra flags after `--`)
const tag = args.includes('--tag') ? `+${args[args.indexOf('--tag') + 1]}` : '';
const outFile = path.join(__dirname, 'results.json');
const results = fs.existsSync(outFile) ? JSON.parse(fs.readFileSync(outFile, 'utf8')) : { runs: {} };
// --record <dataset/model[+tag]> <run folder>: add a finished run (e.g. one resumed with a smaller --epochs
// budget after a time limit) to results.json instead of training.
if (args.includes('--record')) {
  const key = args[args.indexOf('--record') + 1];
  const dir = args[args.indexOf('--record') + 2];
  const m = JSON.parse(fs.readFileSync(path.join(dir, 'metrics.json'), 'utf8'));
  const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
  const run = JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8'));
  // The resuming call trained for 0 s; the epochs' own wall times are in the folder's history.
  const historyFile = path.join(dir, 'train-history.json');
  const epochSeconds = fs.existsSync(historyFile) ? JSON.parse(fs.readFileSync(historyFile, 'utf8')).reduce((s, e) => s + (e.seconds ?? 0), 0) : undefined;
  const prev = fs.existsSync(outFile) ? JSON.parse(fs.readFileSync(outFile, 'utf8')) : { runs: {} };
  prev.runs[key] = {
    dataset: key.split('/')[0], model: key.split('/')[1], test: m.test, valid: m.valid, epochs: m.train.epochs, bestEpoch: m.train.bestEpoch,
    trainSeconds: m.train.seconds, epochSeconds, sequencesPerSecond: m.train.throughput, evalSeconds: m.evalSeconds, backend: m.backend,
    parameters: m.parameters, protocol: m.protocol, modelConfig: cfg.modelConfig, attempts: run.attempts,
    note: 'recorded from a run folder (stopped by the time budget, best checkpoint tested via --resume)', at: new Date().toISOString(),
  };
  fs.writeFileSync(outFile, `${JSON.stringify(prev, null, 2)}\n`);
  console.log(`recorded ${key}: ${JSON.stringify(m.test)}`);
  process.exit(0);
}
const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rec-quality-'));
for (const [ds, dir] of Object.entries(DATASETS)) {
  for (const [name, flags] of Object.entries(MODELS)) {
    if (only.length && !(only.includes(ds) || only.includes(name) || only.includes(`${ds}/${name}`))) continue;
    const out = path.join(runsDir, `${ds}-${name}${tag}`);
    const argv = [path.join(root, 'packages/cli/bin/run.js'), 'run', ...flags, '--dataset', dir, '--backend', backend, '--seed', '42', '--out', out, '--no-progress', '--json', ...extra];
    console.log(`# ${ds} / ${name}: rec ${argv.slice(1).join(' ')}`);
    const t0 = Date.now();
    const r = spawnSync(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
    if (r.status !== 0) {
      console.log(`failed with exit code ${r.status}`);
      const prev = fs.existsSync(outFile) ? JSON.parse(fs.readFileSync(outFile, 'utf8')) : { runs: {} };
      prev.runs[`${ds}/${name}${tag}`] = { error: `exit ${r.status}`, at: new Date().toISOString() };
      fs.writeFileSync(outFile, `${JSON.stringify(prev, null, 2)}\n`);
      continue;
    }
    const m = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8'));
    const entry = {
      dataset: ds,
      model: name,
      test: m.test,
      valid: m.valid,
      epochs: m.train.epochs,
      bestEpoch: m.train.bestEpoch,
      trainSeconds: m.train.seconds,
      sequencesPerSecond: m.train.throughput,
      evalSeconds: m.evalSeconds,
      wallSeconds: (Date.now() - t0) / 1000,
      backend: m.backend,
      parameters: m.parameters,
      protocol: m.protocol,
      flags: [...flags, ...extra],
      at: new Date().toISOString(),
    };
    // Re-read before writing: several runners (e.g. one per dataset) may share the file.
    Object.assign(results, fs.existsSync(outFile) ? JSON.parse(fs.readFileSync(outFile, 'utf8')) : {});
    results.runs = { ...(results.runs ?? {}), [`${ds}/${name}${tag}`]: entry };
    results.machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, load: os.loadavg() };
    fs.writeFileSync(outFile, `${JSON.stringify(results, null, 2)}\n`);
    console.log(JSON.stringify(entry.test));
  }
}
// Keep the run folders of failed/interrupted runs (their checkpoints can be resumed or tested with --record).
if (!fs.readdirSync(runsDir).some((d) => !fs.existsSync(path.join(runsDir, d, 'metrics.json')))) fs.rmSync(runsDir, { recursive: true, force: true });
else console.log(`run folders kept in ${runsDir}`);
