// Counts instruction samples per task and part, and the generation time, on the real datasets.
// Run from the repo root: `node bench/tasks/run.cjs [--seed 0] [--out bench/tasks/results.json]`.
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  AmazonLcrecLoader,
  EventBus,
  PluginRegistry,
  RecboleLoader,
  Rng,
  amazonLcrecConfigSchema,
  associatedUsers,
  leaveOneOut,
  recboleConfigSchema,
  type Corpus,
  type DualIndex,
  type EntityIndex,
  type InstructionSample,
} from '@ed2/core';
import { buildInstructionSamples, createTasks, resolveTasks } from '@ed2/tasks';
import manifest from '@ed2/tasks/plugin';
import { container } from 'tsyringe';

const root = process.cwd(); // run from the repository root
const DATA = resolve(root, '../shared/datasets');
const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const seed = Number(arg('seed', '0'));
const out = arg('out', 'bench/tasks/results.json');

/** Unique codes: the given ones (with `<p_k>` appended inside each collision set), or seeded random 4×256 ones. */
function entityIndex(kind: 'item' | 'user', n: number, rng: Rng, given?: readonly string[][]): EntityIndex {
  const p = kind === 'user' ? 'u_' : '';
  const codes: string[][] = [];
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) {
    let code = given?.[i];
    if (!code) do code = ['a', 'b', 'c', 'd'].map((l) => `<${p}${l}_${rng.int(256)}>`); while (seen.has(code.join('')));
    seen.add(code.join(''));
    codes.push([...code]);
  }
  const count = new Map<string, number>();
  for (const c of codes) count.set(c.join(''), (count.get(c.join('')) ?? 0) + 1);
  const rank = new Map<string, number>();
  const tokens = codes.map((c) => {
    const key = c.join('');
    if (count.get(key) === 1) return c;
    const r = rank.get(key) ?? 0;
    rank.set(key, r + 1);
    return [...c, `<${p}p_${r}>`];
  });
  return { kind, tokens, vocabulary: [...new Set(tokens.flat())].sort() };
}

async function loadInstruments() {
  const corpus = await new AmazonLcrecLoader(amazonLcrecConfigSchema.parse({ path: resolve(DATA, 'amazon-instruments') })).load();
  const raw = JSON.parse(readFileSync(resolve(DATA, 'amazon-instruments/Instruments.index.json'), 'utf8')) as Record<string, string[]>;
  const given = corpus.items.map((it) => raw[String(it.id)]);
  const counts = new Map<string, number>();
  for (const g of given) counts.set(g.join(''), (counts.get(g.join('')) ?? 0) + 1);
  // the paper's associated user collection (training part) against ours, built by associatedUsers(leaveOneOut(corpus))
  const file = JSON.parse(readFileSync(resolve(DATA, 'amazon-instruments/Instruments.inter.user.json'), 'utf8')) as Record<string, string[]>;
  const ours = associatedUsers(leaveOneOut(corpus));
  const key = (users: readonly (string | number)[]) => users.map(Number).sort((a, b) => a - b).join(',');
  const sameSets = Object.entries(file).filter(([item, users]) => key(users) === key(ours.get(Number(item)) ?? [])).length;
  const associatedCheck = { fileItems: Object.keys(file).length, ourItems: ours.size, identicalSets: sameSets };
  return { corpus, given, collisions: given.filter((g) => counts.get(g.join(''))! > 1).length, associatedCheck };
}

async function loadScientific(): Promise<{ corpus: Corpus }> {
  return { corpus: await new RecboleLoader(recboleConfigSchema.parse({ path: resolve(DATA, 'amazon-scientific') })).load() };
}

interface TaskRow {
  task: string;
  train: number;
  valid: number;
  test: number;
  ms: number;
  meanPromptChars: number;
  meanResponseChars: number;
  templates: Record<string, number>;
  meta?: Record<string, number>;
  skipped?: string;
  note?: string;
  example?: { template: string; prompt: string; response: string };
}

async function bench(name: string, corpus: Corpus, index: DualIndex, extra: Record<string, unknown>) {
  const split = leaveOneOut(corpus);
  const registry = new PluginRegistry();
  registry.register(manifest);
  const tasks = await createTasks(resolveTasks('all', registry), registry, container.createChildContainer());
  const rows: TaskRow[] = [];
  for (const task of tasks) {
    const events = new EventBus();
    let skipped: string | undefined;
    let note: string | undefined;
    events.on((e) => {
      if (e.type === 'log' && e.level === 'warn') skipped = String(e.data?.reason);
      if (e.type === 'log' && e.level === 'info' && e.data?.part === 'train') note = String(e.data?.note);
    });
    const counts: Record<string, number> = {};
    const templates: Record<string, number> = {};
    const meta: Record<string, number> = {};
    let prompt = 0;
    let response = 0;
    let example: TaskRow['example'];
    const t0 = performance.now();
    for (const part of ['train', 'valid', 'test'] as const) {
      const samples: InstructionSample[] = buildInstructionSamples([task], { corpus, split, index, rng: new Rng(seed), part, events });
      counts[part] = samples.length;
      if (!example && samples.length) example = { template: samples[0].template, prompt: samples[0].prompt, response: samples[0].response };
      for (const s of samples) {
        prompt += s.prompt.length;
        response += s.response.length;
        templates[s.template] = (templates[s.template] ?? 0) + 1;
        for (const k of ['querySource', 'summarySource', 'kind'] as const) if (typeof s.meta?.[k] === 'string') meta[`${k}=${s.meta[k]}`] = (meta[`${k}=${s.meta[k]}`] ?? 0) + 1;
      }
    }
    const ms = performance.now() - t0;
    const total = counts.train + counts.valid + counts.test;
    rows.push({
      task: task.name,
      train: counts.train,
      valid: counts.valid,
      test: counts.test,
      ms: Math.round(ms),
      meanPromptChars: total ? Math.round(prompt / total) : 0,
      meanResponseChars: total ? Math.round(response / total) : 0,
      templates,
      ...(Object.keys(meta).length ? { meta } : {}),
      ...(skipped ? { skipped } : {}),
      ...(note ? { note } : {}),
      ...(example ? { example } : {}),
    });
  }
  const interactions = corpus.sequences.reduce((a, s) => a + s.length, 0);
  return { dataset: name, users: corpus.users.length, items: corpus.items.length, interactions, ...extra, tasks: rows };
}

async function main() {
  const rng = new Rng(seed);
  const results = [];
  {
    const t0 = performance.now();
    const { corpus, given, collisions, associatedCheck } = await loadInstruments();
    const loadMs = Math.round(performance.now() - t0);
    const index: DualIndex = { item: entityIndex('item', corpus.items.length, rng.fork('items'), given), user: entityIndex('user', corpus.users.length, rng.fork('instruments/users')) };
    results.push(await bench('amazon-instruments', corpus, index, { loadMs, itemIndex: 'Instruments.index.json (+<p_k> on shared codes)', itemCodeCollisions: collisions, associatedCheck, userIndex: 'seeded random 4x256' }));
  }
  {
    const t0 = performance.now();
    const { corpus } = await loadScientific();
    const loadMs = Math.round(performance.now() - t0);
    const index: DualIndex = { item: entityIndex('item', corpus.items.length, rng.fork('scientific/items')), user: entityIndex('user', corpus.users.length, rng.fork('scientific/users')) };
    results.push(await bench('amazon-scientific', corpus, index, { loadMs, itemIndex: 'seeded random 4x256', userIndex: 'seeded random 4x256' }));
  }
  const report = { date: new Date().toISOString(), node: process.version, seed, machine: 'shared 2-core dev machine (other jobs running)', results };
  writeFileSync(resolve(root, out), `${JSON.stringify(report, null, 2)}\n`);
  for (const r of results) {
    console.log(`\n${r.dataset}: ${r.users} users, ${r.items} items, ${r.interactions} interactions (load ${r.loadMs} ms)`);
    console.log('| task | train | valid | test | ms | mean prompt chars | note |');
    console.log('|---|---|---|---|---|---|---|');
    for (const t of r.tasks) console.log(`| ${t.task} | ${t.train} | ${t.valid} | ${t.test} | ${t.ms} | ${t.meanPromptChars} | ${t.skipped ? `skipped: ${t.skipped}` : (t.note ?? '')} |`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
