import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRunConfig } from './read-run-config';
import { configDiff, describeChanges } from './config-diff';
import { writeRunIndex } from './run-index-file';
import { runManifest } from './run-manifest';
import { writeRunCharts } from './write-run-charts';
import { attributeSources } from './config-sources';
import { container } from 'tsyringe';
import {
  EventBus,
  RecError,
  Rng,
  RunDirectory,
  Tokens,
  corpusStats,
  initBackend,
  leaveOneOut,
  makeRunId,
  resolveDataset,
  type BackendName,
  type MetricValues,
  type PluginRegistry,
  type TrainReport,
  type TrainableRecommender,
  type EvalCase,
} from '@ed2/core';
import { Evaluator, describeProtocol, toJson, toMarkdownTable, type EvalResult } from '@ed2/eval';

export interface ExperimentOptions {
  readonly model: string;
  /** Options of the recommender (validated by its plugin schema). */
  readonly modelConfig: Readonly<Record<string, unknown>>;
  /** A registered dataset name (`synthetic`) or a path to a dataset folder/file. */
  readonly dataset: string;
  readonly datasetConfig?: Readonly<Record<string, unknown>>;
  readonly seed: number;
  readonly backend: BackendName;
  /** Run folder; default `runs/<id>`. */
  readonly out?: string;
  readonly resume: boolean;
  readonly ks: readonly number[];
  readonly excludeSeen: boolean;
  readonly evalBatchSize: number;
  readonly registry: PluginRegistry;
  readonly events: EventBus;
  readonly signal: AbortSignal;
  readonly argv?: readonly string[];
  /** What set each value (`flag --x`, `rec.config.json:<section>`; from `resolveRunConfig`): config.json records it per value, the rest as `default`. */
  readonly sources?: Readonly<Record<string, string>>;
}

export interface ExperimentResult {
  readonly dir: string;
  readonly backend: string;
  readonly test: EvalResult;
  readonly train: TrainReport;
  readonly markdown: string;
}

/** What `config.json` records: enough to rerun the experiment exactly. */
export interface RunConfig {
  readonly model: string;
  readonly modelConfig: Readonly<Record<string, unknown>>;
  readonly dataset: string;
  readonly datasetConfig: Readonly<Record<string, unknown>>;
  readonly seed: number;
  readonly eval: { readonly ks: readonly number[]; readonly excludeSeen: boolean };
  /** Where each value came from, by dotted key (`modelConfig.backbone.options.model`: `rec.config.json:datasets.amazon-*`); not compared on --resume. */
  readonly sources?: Readonly<Record<string, string>>;
}

/**
 * The composition root of `rec run` for id-based recommenders: backend, run folder, dataset →
 * leave-one-out split, the model from the registry in a per-run child container, training with
 * validation-based early stopping and checkpoints, test evaluation, reports. The run folder ends as
 * `done`, `interrupted` (Ctrl-C: continue with --resume) or `failed`, never half-written.
 */
export async function runExperiment(o: ExperimentOptions): Promise<ExperimentResult> {
  const backend = await initBackend({ backend: o.backend });
  for (const s of backend.skipped) o.events.debug(`backend ${s.name} not used: ${s.reason}`);
  const modelConfig = o.registry.parseConfig('recommenders', o.model, o.modelConfig) as Record<string, unknown>;
  const config: RunConfig = {
    model: o.model,
    modelConfig,
    dataset: o.dataset,
    datasetConfig: { ...(o.datasetConfig ?? {}) },
    seed: o.seed,
    eval: { ks: [...o.ks], excludeSeen: o.excludeSeen },
  };
  const out = o.out ?? join('runs', makeRunId(o.model));
  if (o.resume) checkResumable(out, config, (c) => o.registry.parseConfig('recommenders', o.model, c) as Record<string, unknown>);
  // Bad input is refused before a run folder is made: evaluator options, the dataset (name, path, format), its split.
  if (!Number.isInteger(o.evalBatchSize) || o.evalBatchSize < 1) {
    throw new RecError('E_CONFIG', `--eval-batch ${o.evalBatchSize} is not a positive number of users per evaluation batch`, { hint: 'e.g. --eval-batch 512 (the default).' });
  }
  const evaluator = new Evaluator({ ks: [...o.ks], excludeSeen: o.excludeSeen, batchSize: o.evalBatchSize });
  const loader = await resolveDataset(o.dataset, o.datasetConfig ?? {}, o.registry);
  const corpus = await loader.load({ signal: o.signal });
  const split = leaveOneOut(corpus, { events: o.events });
  if (split.test.length === 0) {
    throw new RecError('E_DATA_FORMAT', `dataset ${corpus.name} (${o.dataset}): no user has the 3 interactions a leave-one-out split needs (train, validation, test)`, {
      hint: 'Use a dataset with longer user histories (or a weaker k-core filter).',
    });
  }
  const stats = corpusStats(corpus);
  // a finished run's metrics stand whatever a later --resume meets (a damaged checkpoint, an interrupt)
  const wasDone = o.resume && previousStatus(out) === 'done';
  const run = await RunDirectory.create(out, { resume: o.resume, info: { model: o.model, dataset: o.dataset, seed: o.seed, argv: o.argv ?? [] } });
  const scope = container.createChildContainer();
  let model: TrainableRecommender | undefined;
  try {
    await run.writeJson('config.json', { ...config, backend: backend.name, ...(o.sources ? { sources: attributeSources({ ...config, backend: backend.name }, o.sources) } : {}) });
    o.events.info(`run folder ${run.path}${run.resumed ? ' (resuming from its checkpoint)' : ''}, backend ${backend.name}`);
    o.events.info(`dataset ${corpus.name}: ${stats.users} users, ${stats.items} items, ${stats.interactions} interactions`);
    const rng = new Rng(o.seed);
    scope.register(Tokens.Rng, { useValue: rng });
    scope.register(Tokens.Events, { useValue: o.events });
    scope.register(Tokens.Registry, { useValue: o.registry });
    scope.register(Tokens.Corpus, { useValue: corpus });
    scope.register(Tokens.Split, { useValue: split });
    scope.register(Tokens.Run, { useValue: { dir: run.path, seed: o.seed, resume: run.resumed, backend: backend.name } });
    scope.register(Tokens.Signal, { useValue: o.signal });
    model = await o.registry.create('recommenders', o.model, scope, modelConfig);
    if (typeof model.fit !== 'function') {
      throw new RecError('E_UNSUPPORTED', `Recommender "${o.model}" cannot be trained by \`rec run\` (it has no fit())`, { hint: 'Pick a trainable recommender (see `rec components`).' });
    }
    const evalOpts = (label: string) => ({ events: o.events, signal: o.signal, label });
    const train = await model.fit({
      corpus,
      split,
      rng: rng.fork('fit'),
      events: o.events,
      signal: o.signal,
      checkpointDir: run.checkpointDir,
      resume: run.resumed,
      onEpoch: async (history) => void (await run.writeJson('train-history.json', history)),
      validate: async (m): Promise<MetricValues> => (await evaluator.evaluate(m, split.valid, evalOpts('valid'))).metrics,
      validateOn: async (m, cases): Promise<MetricValues> => (await evaluator.evaluate(m, cases, evalOpts('valid'))).metrics,
    });
    if (o.signal.aborted) throw o.signal.reason ?? new RecError('E_ABORTED', 'Interrupted');
    const { test, perTemplate } = await testAllTemplates(model, evaluator, split.test, evalOpts);
    const rows = [{ name: o.model, result: test }];
    const markdown = toMarkdownTable(rows);
    await run.writeJson('metrics.json', {
      model: o.model,
      dataset: corpus.name,
      test: test.metrics,
      valid: train.bestValid,
      protocol: test.protocol,
      manifest: runManifest({ corpus, split, stats, test, model, modelConfig, seed: o.seed, backend: backend.name }),
      cases: test.count,
      train: { epochs: train.epochs, bestEpoch: train.bestEpoch, seconds: train.seconds, throughput: train.throughput, resumedFromEpoch: train.resumedFromEpoch },
      evalSeconds: test.seconds,
      backend: backend.name,
      parameters: model.parameterCount(),
      corpus: stats,
      ...(perTemplate ? { perTemplate } : {}),
      ...(train.extra ? { trainer: train.extra } : {}),
    });
    await run.writeJson('train-history.json', train.history);
    await writeRunIndex(run, model, o.events);
    await run.writeText('test-per-user.json', `${toJson(test, { perCase: true, name: o.model })}\n`);
    await run.writeText('report.md', reportMarkdown(o, corpus.name, stats.users, stats.items, backend.name, train, test, markdown) + generativeReport(train, perTemplate) + (await writeRunCharts(run.path, train, o.events)));
    await run.finish('done');
    return { dir: run.path, backend: backend.name, test, train, markdown };
  } catch (e) {
    await run.finish(wasDone ? 'done' : RecError.is(e, 'E_ABORTED') || o.signal.aborted ? 'interrupted' : 'failed', e).catch(() => run.release());
    throw e;
  } finally {
    if (typeof model?.dispose === 'function') model.dispose(); // a plugin's product may lack it: never hide the real error
    scope.dispose?.();
  }
}

/**
 * `--resume` must continue the same experiment (model, dataset, seed, options); only `epochs`/`patience` may change.
 * The stored options are read through the model's schema first, so an option added since the run started (with its
 * default) does not block resuming it.
 */
function checkResumable(out: string, config: RunConfig, normalize: (modelConfig: unknown) => Record<string, unknown>): void {
  const stored = readRunConfig(out);
  if (!stored) {
    throw new RecError('E_RUN_DIR', `--resume: ${out} holds no run to continue (no config.json)`, { hint: 'Drop --resume to start a fresh run, or point --out at an existing run folder.' });
  }
  for (const key of ['model', 'dataset', 'seed'] as const) {
    if (JSON.stringify(stored[key]) !== JSON.stringify(config[key])) {
      throw new RecError('E_CONFIG', `--resume: ${key} differs from the run being resumed (${JSON.stringify(stored[key])} there, ${JSON.stringify(config[key])} now)`, {
        hint: `Use the original ${key}, or start a new run with another --out.`,
      });
    }
  }
  // The training budget may change on resume (train longer, or stop now and test the best weights).
  const budget = new Set(['epochs', 'patience', 'checkpointEvery']);
  const strip = (c: Readonly<Record<string, unknown>>) => Object.fromEntries(Object.entries(c).filter(([k]) => !budget.has(k)));
  const changes = configDiff(strip(normalize(stored.modelConfig)), strip(config.modelConfig), 'modelConfig');
  if (changes.length) {
    throw new RecError('E_CONFIG', `--resume: the model options differ from the run being resumed: ${describeChanges(changes)}`, {
      hint: `Resume with the stored value${changes.length > 1 ? 's' : ''} (or drop the flag${changes.length > 1 ? 's' : ''}), or start a new run with another --out.`,
    });
  }
}

/** The status in `<out>/run.json` (undefined when there is none or it cannot be read: RunDirectory judges it). */
function previousStatus(out: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { status?: string }).status;
  } catch {
    return undefined;
  }
}

/** A model that answers with one prompt template at a time (generative models): the test is run per template. */
interface TemplatedRecommender {
  evalTemplates(): string[];
  template: string;
}

function isTemplated(m: unknown): m is TemplatedRecommender {
  return typeof (m as Partial<TemplatedRecommender>).evalTemplates === 'function';
}

/**
 * The test: once for a score-based model; for a templated (generative) one, once per template, with the metrics
 * averaged over the templates (the ED² protocol) and also kept per template. Per-case values are the template mean.
 */
async function testAllTemplates(model: TrainableRecommender, evaluator: Evaluator, cases: readonly EvalCase[], evalOpts: (label: string) => { events: EventBus; signal: AbortSignal; label: string }): Promise<{ test: EvalResult; perTemplate?: Record<string, MetricValues> }> {
  if (!isTemplated(model)) return { test: await evaluator.evaluate(model, cases, evalOpts('test')) };
  const templates = model.evalTemplates();
  const results: EvalResult[] = [];
  const perTemplate: Record<string, MetricValues> = {};
  for (const t of templates) {
    model.template = t;
    const r = await evaluator.evaluate(model, cases, evalOpts(`test ${t}`));
    results.push(r);
    perTemplate[t] = r.metrics;
  }
  const first = results[0];
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const metrics = Object.fromEntries(Object.keys(first.metrics).map((k) => [k, mean(results.map((r) => r.metrics[k]))]));
  const perCase = Object.fromEntries(Object.keys(first.perCase).map((k) => [k, Float64Array.from(first.perCase[k], (_, i) => mean(results.map((r) => r.perCase[k][i])))]));
  const test: EvalResult = { ...first, metrics, perCase, seconds: results.reduce((s, r) => s + r.seconds, 0), protocol: { ...first.protocol, templates: templates.length, constraint: `constrained beam search over a prefix trie of the item indices (every list holds real items; hits counted on item ids)` } };
  return { test, perTemplate };
}

const f4 = (v: unknown) => (typeof v === 'number' ? v.toFixed(4) : '–');

/** Report sections of a generative model: per-template metrics, every loss term per epoch, index statistics, re-indexing. */
function generativeReport(train: TrainReport, perTemplate: Record<string, MetricValues> | undefined): string {
  if (!perTemplate && !train.extra) return '';
  const out: string[] = [];
  if (perTemplate) {
    const keys = Object.keys(Object.values(perTemplate)[0] ?? {});
    out.push('## Test per template', '', `| template | ${keys.join(' | ')} |`, `|---|${keys.map(() => '---:').join('|')}|`);
    for (const [t, m] of Object.entries(perTemplate)) out.push(`| ${t} | ${keys.map((k) => f4(m[k])).join(' | ')} |`);
    out.push('');
  }
  const terms = [...new Set(train.history.flatMap((h) => Object.keys(h.terms ?? {})))];
  if (terms.length) {
    const hist = train.history as (TrainReport['history'][number] & { tokens?: number; stepSeconds?: number })[];
    const tps = hist.some((h) => h.tokens !== undefined);
    out.push('## Training curves', '', `| epoch | loss | ${terms.join(' | ')} | valid ndcg@10 | seconds |${tps ? ' tokens/s (steps) |' : ''}`, `|---:|---:|${terms.map(() => '---:').join('|')}|---:|---:|${tps ? '---:|' : ''}`);
    for (const h of hist) out.push(`| ${h.epoch} | ${f4(h.loss)} | ${terms.map((k) => f4(h.terms?.[k])).join(' | ')} | ${f4(h.valid?.['ndcg@10'])} | ${h.seconds.toFixed(1)} |${tps ? ` ${h.tokens !== undefined && h.stepSeconds ? (h.tokens / h.stepSeconds).toFixed(0) : '–'} |` : ''}`);
    out.push('');
  }
  const extra = train.extra as { indexStats?: Record<string, Record<string, unknown>>; reindex?: { step: number; branch: string; changed: number; collisionRate: number }[]; samples?: number; stepsPerEpoch?: number; validUsers?: number } | undefined;
  if (extra?.validUsers !== undefined) out.push(`Validation on a seeded subsample of ${extra.validUsers} users; ${extra.samples} training samples, ${extra.stepsPerEpoch} steps per epoch.`, '');
  if (extra?.indexStats) {
    out.push('## Index statistics (final assignment)', '', '| branch | entities | collision rate (before suffix) | after suffix | largest set | code usage per level | perplexity per level | first-token category purity |', '|---|---:|---:|---:|---:|---|---|---:|');
    for (const [b, st] of Object.entries(extra.indexStats)) {
      const arr = (v: unknown) => (Array.isArray(v) ? v.map((x: number) => x.toFixed(2)).join(' / ') : '–');
      out.push(`| ${b} | ${String(st.entities)} | ${f4(st.collisionRate)} | ${f4(st.collisionRateAfter)} | ${String(st.maxCollisionSet)} | ${arr(st.usage)} | ${arr(st.perplexity)} | ${f4(st.firstTokenPurity)} |`);
    }
    out.push('');
  }
  if (extra?.reindex?.length) {
    out.push('## Dynamic re-indexing', '', '| step | branch | indices changed | collision rate |', '|---:|---|---:|---:|');
    for (const r of extra.reindex) out.push(`| ${r.step} | ${r.branch} | ${r.changed} | ${f4(r.collisionRate)} |`);
    out.push('');
  }
  return out.join('\n');
}

function reportMarkdown(o: ExperimentOptions, dataset: string, users: number, items: number, backend: string, train: TrainReport, test: EvalResult, table: string): string {
  return [
    `# ${o.model} on ${dataset}`,
    '',
    `Seed ${o.seed}, backend \`${backend}\`. ${users} users, ${items} items; chronological leave-one-out (last item test, second-to-last validation).`,
    '',
    describeProtocol(test.protocol),
    '',
    '## Test',
    '',
    table,
    '',
    `Training: ${train.epochs} epochs (best ${train.bestEpoch}), ${train.seconds.toFixed(1)} s` +
      (train.throughput ? `, ${train.throughput.toFixed(0)} sequences/s` : '') +
      (train.resumedFromEpoch !== undefined ? `, resumed from epoch ${train.resumedFromEpoch}` : '') + '.',
    '',
    '## Validation (best epoch)',
    '',
    Object.entries(train.bestValid).map(([k, v]) => `- ${k}: ${v.toFixed(4)}`).join('\n'),
    '',
  ].join('\n');
}
