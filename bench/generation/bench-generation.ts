/**
 * Trie-constrained beam search (beam 20, top 10) over item indices, issue #12: users/s of
 *   (a) `batchedConstrainedBeamSearch` (many prompts per call) at several batch sizes,
 *   (b) the per-prompt loop `beamSearch(model, prompt, { trie })`,
 *   (c) Hugging Face `generate(num_beams=20, num_return_sequences=10, prefix_allowed_tokens_fn=trie walk)` on the
 *       same weights (hf_generation.py, same run),
 * and the agreement of their top-10 item lists on the first prompts. Usage (from the repo root):
 *   node bench/generation/run.cjs [--n 128] [--batches 8,16,32] [--loop-n 8] [--hf-n 16] [--hf-batches 1,8] [--threads 2]
 * Writes bench/generation/results.json and prints a table. Each measurement runs in its own process (peak RSS per
 * process); every process rebuilds the same seeded setup.
 */
import * as tf from '@tensorflow/tfjs-core';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PrefixTrie, Rng, writeSafetensors } from '@ed2/core';
import { LLAMA_PRESETS, LlamaModel, batchedConstrainedBeamSearch, beamSearch, saveLlamaSafetensors } from '@ed2/backbones';

const BEAMS = 20;
const TOP_K = 10;
const N_ITEMS = 4385; // amazon-scientific items
const LEVELS = 4;
const CODES = 256;
const SUFFIXES = 16;
const HISTORY = 20;
const N_PROMPTS = 512; // the pool every measurement draws its first prompts from
const TEST_USERS = 8442; // amazon-scientific test users
const WORK = path.resolve('bench/.work/generation');
const JEMALLOC = '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2';
const TUNED_ENV: Record<string, string> = {
  ...(existsSync(JEMALLOC) ? { LD_PRELOAD: JEMALLOC, MALLOC_CONF: 'dirty_decay_ms:-1,muzzy_decay_ms:-1' } : {}),
  OMP_WAIT_POLICY: 'PASSIVE',
};

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}

interface Setup {
  model: LlamaModel;
  rows: tf.Tensor2D;
  trie: PrefixTrie;
  index: number[][]; // item → token ids
  prompts: number[][];
  suffixed: number;
}

/** The seeded model, index rows, item indices, trie and prompts (identical in every process). */
function setup(): Setup {
  const config = LLAMA_PRESETS.tiny;
  const V = config.vocabSize;
  const model = new LlamaModel(config, undefined, new Rng(0));
  const nNew = LEVELS * CODES + SUFFIXES;
  const rows = tf.randomNormal([nNew, config.dim], 0, 0.02, 'float32', new Rng(1).tfSeed()) as tf.Tensor2D;
  const rng = new Rng(2);
  const codes = Array.from({ length: N_ITEMS }, () => Array.from({ length: LEVELS }, (_, m) => V + m * CODES + rng.int(CODES)));
  // collisions: every item of a shared tuple gets a 5th suffix token, its rank within the tuple
  const groups = new Map<string, number[]>();
  codes.forEach((c, i) => {
    const k = c.join(',');
    groups.set(k, [...(groups.get(k) ?? []), i]);
  });
  let suffixed = 0;
  const index = codes.map((c) => [...c]);
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    g.forEach((item, rank) => index[item].push(V + LEVELS * CODES + rank));
    suffixed += g.length;
  }
  const trie = new PrefixTrie();
  index.forEach((ids, item) => trie.insert(ids, item));
  const prng = new Rng(3);
  const prompts = Array.from({ length: N_PROMPTS }, () => {
    const p = [config.bosId];
    for (let h = 0; h < HISTORY; h++) {
      if (h > 0) p.push(3 + prng.int(V - 3)); // an ordinary (non-special) token between items
      p.push(...index[prng.int(N_ITEMS)]);
    }
    return p;
  });
  return { model, rows, trie, index, prompts, suffixed };
}

async function selectBackend(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@tensorflow/tfjs-node');
  if (!(await tf.setBackend('tensorflow'))) throw new Error('backend tensorflow unavailable');
  await tf.ready();
}

const rssMiB = (): number => process.resourceUsage().maxRSS / 1024;

/** One top-10 list per prompt: item ids and scores. */
type Top = { items: number[]; scores: number[] }[];

/** (a): `batch` prompts per call over the first n prompts, after one untimed warm-up call. */
async function roleBatched(s: Setup, n: number, batch: number, check: number): Promise<object> {
  const run = async (ps: number[][]) => batchedConstrainedBeamSearch(s.model, ps, s.trie, { beams: BEAMS, topK: TOP_K, rows: s.rows });
  await run(s.prompts.slice(0, batch));
  const n0 = tf.memory().numTensors;
  const top: Top = [];
  const t = performance.now();
  for (let i = 0; i < n; i += batch) {
    const hits = await run(s.prompts.slice(i, Math.min(n, i + batch)));
    for (const h of hits) top.push({ items: h.map((x) => x.value), scores: h.map((x) => x.score) });
  }
  const seconds = (performance.now() - t) / 1000;
  return { batch, n, seconds, usersPerS: n / seconds, peakRssMiB: rssMiB(), leakedTensors: tf.memory().numTensors - n0, top: top.slice(0, check), complete: top.every((x) => x.items.length === TOP_K) };
}

/** (b): today's per-prompt loop, the index rows through the model's embedding provider. */
async function roleLoop(s: Setup, n: number, check: number): Promise<object> {
  s.model.embeddingProvider = () => s.rows;
  const run = (p: number[]): Top[number] => {
    const r = beamSearch(s.model, p, { beams: BEAMS, topK: TOP_K, trie: s.trie });
    return { items: r.map((x) => s.trie.walk(x.tokens)?.value ?? -1), scores: r.map((x) => x.score) };
  };
  run(s.prompts[0]);
  const n0 = tf.memory().numTensors;
  const top: Top = [];
  const t = performance.now();
  for (let i = 0; i < n; i++) top.push(run(s.prompts[i]));
  const seconds = (performance.now() - t) / 1000;
  return { n, seconds, usersPerS: n / seconds, peakRssMiB: rssMiB(), leakedTensors: tf.memory().numTensors - n0, top: top.slice(0, check) };
}

/**
 * Where (a)'s time goes: one warm call of `batch` prompts under `tf.profile`, kernel time grouped by kernel name and
 * input shapes (largest first), the kernel sum against the call's wall time (the rest is host work: candidate sorts,
 * input and mask arrays, tensor creation), and the prefill alone (prompt forward + head on the last position).
 */
const scope = (name: string): boolean => name === 'unnamed scope' || name.endsWith('__op');

async function roleProfile(s: Setup, batch: number): Promise<object> {
  const ps = s.prompts.slice(0, batch);
  const run = () => batchedConstrainedBeamSearch(s.model, ps, s.trie, { beams: BEAMS, topK: TOP_K, rows: s.rows });
  await run();
  let t = performance.now();
  await run();
  const wallMs = performance.now() - t;
  const prefill = () => tf.tidy(() => {
    const cache = s.model.newCache();
    const h = s.model.hidden(tf.tensor2d(ps, undefined, 'int32'), { cache, rows: s.rows });
    const last = tf.reshape(tf.slice(h, [0, h.shape[1] - 1, 0], [batch, 1, h.shape[2]]), [batch, h.shape[2]]) as tf.Tensor2D;
    const out = tf.logSoftmax(s.model.head(last, s.rows));
    out.dataSync();
    cache.layers.forEach((l) => { l.k.dispose(); l.v.dispose(); });
  });
  prefill();
  t = performance.now();
  prefill();
  const prefillMs = performance.now() - t;
  const info = await tf.profile(async () => { await run(); return tf.scalar(0); });
  const groups = new Map<string, { kernel: string; shapes: string; calls: number; ms: number }>();
  const byKernel = new Map<string, number>();
  let kernelMs = 0;
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const shapes = k.inputShapes.map((x) => `[${x.join(',')}]`).join(' ');
    const key = `${k.name} ${shapes}`;
    const g = groups.get(key) ?? { kernel: k.name, shapes, calls: 0, ms: 0 };
    g.calls++;
    g.ms += ms;
    groups.set(key, g);
    byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + ms);
    if (!scope(k.name)) kernelMs += ms; // custom-gradient ops and op scopes: their inner kernels are listed too
  }
  const top = [...groups.values()].filter((g) => !scope(g.kernel)).sort((a, b) => b.ms - a.ms).slice(0, 20).map((g) => ({ ...g, share: g.ms / kernelMs }));
  const kernels = [...byKernel.entries()].filter(([k]) => !scope(k)).sort((a, b) => b[1] - a[1]).slice(0, 15).map(([kernel, ms]) => ({ kernel, ms, share: ms / kernelMs }));
  const decodeSteps = info.kernels.filter((k) => k.name === 'logSoftmax__op').length - 1;
  return { batch, wallMs, prefillMs, decodeSteps, profiledKernelMs: kernelMs, kernelCalls: info.kernels.length, kernels, top };
}

/** Files for the Hugging Face peer: base checkpoint, index rows, trie leaves, prompts, our logits for prompt 0. */
async function rolePrepare(s: Setup): Promise<object> {
  mkdirSync(WORK, { recursive: true });
  await saveLlamaSafetensors(s.model, path.join(WORK, 'model')); // base model (vocab 32000, tied); rows appended by the peer
  await writeSafetensors(path.join(WORK, 'rows.safetensors'), { rows: s.rows }, { format: 'pt' });
  writeFileSync(path.join(WORK, 'trie.json'), JSON.stringify({ vocab: s.model.config.vocabSize, nNew: s.rows.shape[0], eosId: s.model.config.eosId, entries: s.trie.entries() }));
  writeFileSync(path.join(WORK, 'prompts.json'), JSON.stringify(s.prompts));
  const logits = tf.tidy(() => s.model.forward(tf.tensor2d([s.prompts[0]], undefined, 'int32'), { rows: s.rows }));
  await writeSafetensors(path.join(WORK, 'logits0.safetensors'), { logits: logits }, { format: 'pt' });
  logits.dispose();
  const lengths = s.prompts.map((p) => p.length);
  return { suffixedItems: s.suffixed, trieLeaves: s.trie.entries().length, promptTokens: { min: Math.min(...lengths), max: Math.max(...lengths), mean: lengths.reduce((a, b) => a + b, 0) / lengths.length } };
}

function child(role: string, extra: string[]): Record<string, unknown> {
  const r = spawnSync(process.execPath, [process.argv[1], '--role', role, ...extra], { encoding: 'utf8', env: process.env, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`role ${role} ${extra.join(' ')} failed: ${r.stderr.slice(-2000)}`);
  process.stderr.write(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

function hf(extra: string[], env: Record<string, string>): Record<string, unknown> {
  const py = existsSync('.venv/bin/python') ? '.venv/bin/python' : 'python3';
  try {
    const out = execFileSync(py, [path.resolve('bench/generation/hf_generation.py'), '--dir', WORK, ...extra], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
    return JSON.parse(out.trim().split('\n').pop()!);
  } catch (e) {
    return { error: String((e as Error).message).slice(0, 2000) };
  }
}

const uptime = (): string => execFileSync('uptime', { encoding: 'utf8' }).trim();

/** Compares top-10 item lists prompt by prompt: identical order, same set, and mean overlap. */
function agree(a: Top, b: Top): { prompts: number; exactOrder: number; sameSet: number; meanOverlap: number; sameTop1: number } {
  const n = Math.min(a.length, b.length);
  let exact = 0, set = 0, overlap = 0, top1 = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i].items, y = b[i].items;
    if (x.length === y.length && x.every((v, j) => v === y[j])) exact++;
    const ys = new Set(y);
    const common = x.filter((v) => ys.has(v)).length;
    if (common === x.length && x.length === y.length) set++;
    overlap += common / TOP_K;
    if (x[0] === y[0]) top1++;
  }
  return { prompts: n, exactOrder: exact, sameSet: set, meanOverlap: overlap / Math.max(1, n), sameTop1: top1 };
}

async function orchestrate(): Promise<void> {
  const n = Number(arg('n', '128'));
  const batches = arg('batches', '8,16,32').split(',').map(Number);
  const loopN = Number(arg('loop-n', '8'));
  const hfN = Number(arg('hf-n', '16'));
  const hfBatches = arg('hf-batches', '1,8').split(',').map(Number);
  const threads = Number(arg('threads', '2'));
  const check = Math.min(Number(arg('check', '8')), loopN, hfN, n);
  const load: { when: string; uptime: string }[] = [];
  const note = (when: string) => { load.push({ when, uptime: uptime() }); console.error(`[${when}] ${load[load.length - 1].uptime}`); };
  note('start');
  const started = new Date().toISOString();
  const prepared = child('prepare', []);
  const batched = batches.map((b) => { const r = child('batched', ['--n', String(n), '--batch', String(b), '--check', String(check)]); console.error(`batched ${b}: ${(r.usersPerS as number).toFixed(2)} users/s`); return r; });
  const loop = child('loop', ['--n', String(loopN), '--check', String(check)]);
  console.error(`loop: ${(loop.usersPerS as number).toFixed(2)} users/s`);
  const profile = child('profile', ['--batch', arg('profile-batch', '16')]);
  note('after ours');
  const hfCommon = ['--threads', String(threads), '--n', String(hfN), '--check', String(check)];
  const hfRuns: Record<string, unknown>[] = [];
  for (const b of hfBatches) {
    for (const [tag, env, flags] of [['default', {}, []], ['tuned', TUNED_ENV, []], ['tuned, no EOS step', TUNED_ENV, ['--no-eos']]] as const) {
      const r = hf([...hfCommon, '--batch', String(b), ...flags, ...(hfRuns.length === 0 ? ['--logits-check', '--exact-check'] : [])], env);
      r.tag = tag;
      hfRuns.push(r);
      console.error(`hf batch ${b} ${tag}: ${'usersPerS' in r ? (r.usersPerS as number).toFixed(2) : JSON.stringify(r).slice(0, 500)} users/s`);
    }
  }
  note('end');
  const okHf = hfRuns.filter((r) => typeof r.usersPerS === 'number');
  const bestA = batched.reduce((x, y) => ((y.usersPerS as number) > (x.usersPerS as number) ? y : x));
  const bestHf = okHf.length ? okHf.reduce((x, y) => ((y.usersPerS as number) > (x.usersPerS as number) ? y : x)) : undefined;
  const aTop = batched[0].top as Top;
  const hfFirst = hfRuns[0];
  const agreement = {
    batchSizesIdentical: batched.every((r) => JSON.stringify((r.top as Top).map((x) => x.items)) === JSON.stringify(aTop.map((x) => x.items))),
    aVsB: agree(aTop, loop.top as Top),
    aVsHfEos: hfFirst?.top ? agree(aTop, hfFirst.top as Top) : undefined,
    aVsHfExact: hfFirst?.topExact ? agree(aTop, hfFirst.topExact as Top) : undefined,
    maxScoreDiffAB: Math.max(...aTop.flatMap((x, i) => x.scores.map((s, j) => (loop.top as Top)[i].items[j] === x.items[j] ? Math.abs(s - (loop.top as Top)[i].scores[j]) : 0))),
  };
  const result = {
    date: started,
    finished: new Date().toISOString(),
    load,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memGiB: os.totalmem() / 2 ** 30 },
    threads: { ours: `tfjs-node ${tf.version_core} tensorflow backend, TensorFlow's default thread pools (${os.cpus().length} cores)`, torch: `torch.set_num_threads(${threads})` },
    setup: {
      model: 'LlamaModel LLAMA_PRESETS.tiny (dim 256, 4 layers, 8 heads, hidden 688, vocab 32000, tied), random init Rng(0)',
      indexRows: `${LEVELS * CODES + SUFFIXES} rows ~ N(0, 0.02) (tf.randomNormal, seed from Rng(1)), tied embedding + head`,
      items: N_ITEMS, levels: LEVELS, codes: CODES, suffixSlots: SUFFIXES, history: HISTORY, beams: BEAMS, topK: TOP_K,
      ...prepared,
    },
    a: batched,
    b: loop,
    c: hfRuns,
    best: {
      a: { batch: bestA.batch, usersPerS: bestA.usersPerS, projectedSecondsFor8442: TEST_USERS / (bestA.usersPerS as number) },
      c: bestHf ? { batch: bestHf.batch, tag: bestHf.tag, usersPerS: bestHf.usersPerS } : undefined,
    },
    ratio: {
      aOverB: (bestA.usersPerS as number) / (loop.usersPerS as number),
      aOverC: bestHf ? (bestA.usersPerS as number) / (bestHf.usersPerS as number) : undefined,
    },
    targets: { aOverB: 10, aOverC: 10, secondsFor8442: 300 },
    agreement,
    profile,
  };
  writeFileSync(arg('out', 'bench/generation/results.json'), JSON.stringify(result, null, 2) + '\n');
  const f = (x: unknown, d = 1) => (typeof x === 'number' ? x.toFixed(d) : '–');
  console.log('| method | prompts/call | users/s | 8,442 users (min) | peak RSS MiB |');
  console.log('|---|---|---|---|---|');
  for (const r of batched) console.log(`| (a) batched | ${r.batch} | ${f(r.usersPerS, 2)} | ${f(TEST_USERS / (r.usersPerS as number) / 60)} | ${f(r.peakRssMiB, 0)} |`);
  console.log(`| (b) per-prompt loop | 1 | ${f(loop.usersPerS, 2)} | ${f(TEST_USERS / (loop.usersPerS as number) / 60)} | ${f(loop.peakRssMiB, 0)} |`);
  for (const r of hfRuns) console.log(`| (c) HF generate ${r.tag} | ${r.batch} | ${f(r.usersPerS, 2)} | ${f(TEST_USERS / (r.usersPerS as number) / 60)} | ${f(r.peakRssMiB, 0)} |`);
  console.log(JSON.stringify({ ratio: result.ratio, agreement }, null, 2));
}

async function main(): Promise<void> {
  const role = arg('role', 'all');
  if (role === 'all') return orchestrate();
  await selectBackend();
  const s = setup();
  const check = Number(arg('check', '8'));
  const out = role === 'prepare' ? await rolePrepare(s)
    : role === 'batched' ? await roleBatched(s, Number(arg('n', '128')), Number(arg('batch', '16')), check)
      : role === 'loop' ? await roleLoop(s, Number(arg('n', '8')), check)
        : role === 'profile' ? await roleProfile(s, Number(arg('batch', '16')))
          : undefined;
  if (!out) throw new Error(`unknown role ${role}`);
  console.log(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
