#!/usr/bin/env node
// TIGER on amazon-instruments from the shipped static index (Instruments.index.json), under a CPU budget of
// about 35 minutes on the shared 2-core VM. Usage (repo root, after `npx tsc -b tsconfig.build.json`):
//   nice -n 10 node bench/tiger/run.cjs                   (trains + tests, writes bench/tiger/results-instruments.json)
//   node bench/tiger/run.cjs --record <run dir> --seconds <wall s> [--then '<command>']...   (records an existing
//     run folder; each --then names a later command that continued it, e.g. a --resume with more epochs)
const { execFileSync } = require('node:child_process');
const { readFileSync, writeFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');
const { loadavg } = require('node:os');
const root = join(__dirname, '..', '..');
const data = join(root, '..', 'shared', 'datasets', 'amazon-instruments');

/** The reduced budget (the paper's model and schedule are in the README): every choice is a flag here. */
const FLAGS = [
  '--model', 'tiger',
  '--dataset', data,
  '--index-file', join(data, 'Instruments.index.json'),
  '--set', 'collisionToken=colliding',
  '--set', 'maxHistory=5',
  '--set', 't5.encoderLayers=2', '--set', 't5.decoderLayers=2',
  '--set', 't5.dModel=64', '--set', 't5.nHeads=4', '--set', 't5.dKv=16', '--set', 't5.dFf=256',
  '--set', 'batchSize=256', '--set', 'learningRate=0.003',
  '--epochs', '4', '--set', 'stepsPerEpoch=150', '--set', 'patience=2',
  '--set', 'validUsers=500', '--set', 'searchBatch=128', '--set', 'beams=20',
  '--seed', '42',
];

const args = process.argv.slice(2);
let dir = args.includes('--record') ? args[args.indexOf('--record') + 1] : join(root, 'runs', 'bench-tiger-instruments');
let seconds = args.includes('--seconds') ? Number(args[args.indexOf('--seconds') + 1]) : undefined;
const load = [loadavg()[0]];
const started = new Date().toISOString();
if (!args.includes('--record')) {
  if (!existsSync(data)) throw new Error(`${data} is missing (see ../shared/datasets/README.md)`);
  const t0 = Date.now();
  execFileSync(process.execPath, [join(root, 'packages/cli/bin/run.js'), 'run', ...FLAGS, '--out', dir, '--no-progress', ...(existsSync(join(dir, 'run.json')) ? ['--resume'] : [])], { stdio: 'inherit' });
  seconds = (Date.now() - t0) / 1000;
}
load.push(loadavg()[0]);
const m = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
const history = JSON.parse(readFileSync(join(dir, 'train-history.json'), 'utf8'));
const then = args.flatMap((a, i) => (a === '--then' ? [args[i + 1]] : []));
const out = {
  commands: [`nice -n 10 node packages/cli/bin/run.js run ${FLAGS.map((f) => (f.startsWith(root) || f.startsWith(data) ? f.replace(join(root, '..'), '..') : f)).join(' ')} --out runs/bench-tiger-instruments`, ...then],
  started,
  wallSeconds: seconds,
  loadAverage: load,
  test: m.test,
  validBest: m.valid,
  trainer: m.trainer,
  history,
  paperTiger: { 'hr@1': 0.0608, 'hr@5': 0.0863, 'hr@10': 0.1064, 'ndcg@5': 0.0738, 'ndcg@10': 0.0803 },
  metricsFile: m,
};
writeFileSync(join(__dirname, 'results-instruments.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log(JSON.stringify({ test: m.test, seconds }, null, 2));
