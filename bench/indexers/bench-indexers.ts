/**
 * Fits `hvqae` and `rqvae` (M = 4, N = 256, D = 64, defaults otherwise) on (a) 10k seeded random 256-d
 * Gaussian vectors and (b) text embeddings of the amazon-scientific items, and reports wall time, final
 * reconstruction loss, collision rate before the suffix, code usage and perplexity per level.
 * No pretrained LLM is available here, so (b) embeds each item text with a seeded hashed bag of words
 * (log(1+tf)·idf weights) followed by a 256-d Gaussian random projection, rows L2-normalised ×√256.
 * Usage (repo root): node bench/indexers/run.cjs [--epochs 20] [--backend auto] [--only random|scientific]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Rng, initBackend, type BackendName, type Indexer } from '@ed2/core';
import { HvqaeIndexer, RqvaeIndexer, hvqaeConfig, rqvaeConfig } from '@ed2/indexers';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}

const DIM = 256;

function randomVectors(n: number, seed: number): tf.Tensor2D {
  const rng = new Rng(seed);
  return tf.tensor2d(Float32Array.from({ length: n * DIM }, () => rng.normal()), [n, DIM]);
}

/** Hashed bag of words → seeded Gaussian random projection to 256-d (one projection row per word). */
export function scientificEmbeddings(file: string, seed: number): { x: tf.Tensor2D; categories: (string | undefined)[] } {
  const lines = readFileSync(file, 'utf8').split('\n').slice(1).filter((l) => l.includes('\t'));
  const docs = lines.map((l) => l.split('\t')[1].toLowerCase().match(/[a-z0-9]+/g) ?? []);
  // Category label for the purity figure: the first word of the second-level category ("Industrial &
  // Scientific Abrasive & Finishing Products …" → "Abrasive"); undefined where the text has none.
  const categories = lines.map((l) => {
    const m = /\. Industrial & Scientific (\S+)/.exec(l.split('\t')[1]);
    return m ? m[1] : undefined;
  });
  const df = new Map<string, number>();
  for (const d of docs) for (const w of new Set(d)) df.set(w, (df.get(w) ?? 0) + 1);
  const rows = new Float32Array(docs.length * DIM);
  const proj = new Map<string, Float32Array>();
  const row = (w: string) => {
    let r = proj.get(w);
    if (!r) {
      const g = new Rng(`${seed}/${w}`);
      r = Float32Array.from({ length: DIM }, () => g.normal());
      proj.set(w, r);
    }
    return r;
  };
  docs.forEach((d, i) => {
    const tfc = new Map<string, number>();
    for (const w of d) tfc.set(w, (tfc.get(w) ?? 0) + 1);
    const out = rows.subarray(i * DIM, (i + 1) * DIM);
    for (const [w, c] of tfc) {
      const weight = Math.log(1 + c) * Math.log(docs.length / (df.get(w) ?? 1));
      const r = row(w);
      for (let j = 0; j < DIM; j++) out[j] += weight * r[j];
    }
    let norm = 0;
    for (const v of out) norm += v * v;
    const s = Math.sqrt(DIM) / (Math.sqrt(norm) || 1);
    for (let j = 0; j < DIM; j++) out[j] *= s;
  });
  return { x: tf.tensor2d(rows, [docs.length, DIM]), categories };
}

interface Row {
  dataset: string;
  indexer: Variant;
  entities: number;
  epochs: number;
  seconds: number;
  reconLoss: number;
  collisionRate: number;
  collidingFraction: number;
  maxCollisionSet: number;
  usage: number[];
  perplexity: number[];
  firstTokenPurity?: number;
}

type Variant = 'hvqae' | 'rqvae' | 'rqvae+sinkhorn';

async function run(name: Variant, dataset: string, x: tf.Tensor2D, epochs: number, categories?: (string | undefined)[]): Promise<Row> {
  const common = { levels: 4, codebookSize: 256, codeDim: 64, epochs };
  const ix: Indexer =
    name === 'hvqae' ? new HvqaeIndexer({ ...hvqaeConfig.parse(common), seed: 1 }) : new RqvaeIndexer({ ...rqvaeConfig.parse({ ...common, sinkhorn: name === 'rqvae+sinkhorn' }), seed: 1 });
  const t0 = performance.now();
  const report = await ix.fit(x);
  const seconds = (performance.now() - t0) / 1000;
  const evalLoss = ix.losses(x, { training: false });
  const reconLoss = (await evalLoss.recon.data())[0];
  tf.dispose([evalLoss.total, evalLoss.recon, evalLoss.commit, ...evalLoss.probs, ...evalLoss.chosen, ...evalLoss.inputs, evalLoss.codes]);
  const s = ix.stats(undefined, categories);
  const last = report.history[report.history.length - 1];
  console.log(`${dataset} ${name}: ${seconds.toFixed(1)} s, train loss ${last.loss.toFixed(4)}, eval recon ${reconLoss.toFixed(4)}, collisions ${(100 * s.collisionRate).toFixed(2)}%, usage ${s.usage.map((u) => (100 * u).toFixed(1)).join('/')}%${s.firstTokenPurity === undefined ? '' : `, purity ${s.firstTokenPurity.toFixed(3)}`}`);
  ix.dispose();
  return { dataset, indexer: name, entities: x.shape[0], epochs, seconds, reconLoss, collisionRate: s.collisionRate, collidingFraction: s.collidingFraction, maxCollisionSet: s.maxCollisionSet, usage: s.usage, perplexity: s.perplexity, ...(s.firstTokenPurity === undefined ? {} : { firstTokenPurity: s.firstTokenPurity }) };
}

async function main(): Promise<void> {
  const backend = await initBackend({ backend: arg('backend', 'auto') as BackendName });
  const epochs = Number(arg('epochs', '20'));
  const only = arg('only', '');
  const rows: Row[] = [];
  if (only !== 'scientific') {
    const x = randomVectors(10_000, 0);
    for (const name of ['hvqae', 'rqvae', 'rqvae+sinkhorn'] as const) rows.push(await run(name, 'random-10k-256d', x, epochs));
    x.dispose();
  }
  if (only !== 'random') {
    const { x, categories } = scientificEmbeddings(path.resolve('../shared/datasets/amazon-scientific/Scientific.text'), 0);
    for (const name of ['hvqae', 'rqvae', 'rqvae+sinkhorn'] as const) rows.push(await run(name, 'scientific-text-hashbow-256d', x, epochs, categories));
    x.dispose();
  }
  const out = arg('out', `bench/indexers/results-${backend.name}.json`);
  const result = { date: new Date().toISOString(), backend: backend.name, cpus: os.cpus().length, load: os.loadavg(), config: { levels: 4, codebookSize: 256, codeDim: 64, epochs, batchSize: 256 }, rows };
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${out}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
