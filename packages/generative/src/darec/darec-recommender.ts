import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  AdamW, RecError, Rng, hasCheckpoint, loadCheckpoint, restoreTrainingState, runTrainingLoop, saveCheckpoint, saveTrainingState,
  type Corpus, type EvalCase, type JsonValue, type LoopProgress, type MetricValues, type Split, type TrainContext, type TrainReport, type TrainableRecommender,
} from '@ed2/core';
import { uniqueVarName, type LlamaBackbone } from '@ed2/backbones';
import type { DarecConfig } from './darec-config';
import { DarecNetwork, type DarecBatch } from './darec-network';
import { DarecPrompts } from './darec-prompts';
import { attributeText, attributeWords } from './attribute-text';
import { hardNegatives } from './hard-negatives';
import { LayerAdapters, defaultDynamicGrid } from './layer-adapters';

export interface DarecParts {
  readonly backbone: LlamaBackbone;
  readonly corpus: Corpus;
  readonly split: Split;
  readonly seed: number;
}

/** One dynamic-adaption candidate's validation result (scales = per-layer adapter scale; null = the coarse weights). */
export interface DynamicResult {
  readonly scales: number[] | null;
  readonly valid: MetricValues;
}

const clone = (vars: Readonly<Record<string, tf.Variable>>) => Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, tf.keep(v.clone())]));

/**
 * DARec (Liu, Li, Zhang, Li, Ji, "Beyond Inter-Item Relations: Dynamic Adaption for Enhancing LLM-Based Sequential
 * Recommendation"), as built here (choices the description leaves open are in the package README):
 * (1) items = key–value attribute text plus one id-aligned token; (2) context masking; (3) a jointly trained CF
 * model injected as a user token (by default the read-out position) and added to the item-token rows; (4) a coarse-grained adaption
 * stage (next item, text → item-token alignment, hard negatives) through an item head over all items; (5) dynamic
 * adaption: per-layer adapter settings searched on validation NDCG@10 (a small exhaustive grid where the paper uses
 * Bayesian optimisation), the best kept; (6) full ranking.
 * Both stages checkpoint under the run folder (`coarse/`, `dynamic/`) and resume to the same weights.
 */
export class DarecRecommender implements TrainableRecommender {
  readonly name = 'darec';
  readonly net: DarecNetwork;
  private readonly prompts: DarecPrompts;
  private readonly samples: { user: number; history: number[]; target: number }[] = [];
  private readonly negatives: number[][];
  private readonly adapters: LayerAdapters;
  /** Dynamic adapters of the chosen setting (kept for parameterCount). */
  private chosen: number[] | null = null;

  constructor(readonly config: DarecConfig, private readonly parts: DarecParts) {
    const { corpus, split, backbone } = parts;
    const n = split.numItems;
    const tok = (t: string) => backbone.tokenize(t);
    const itemText = corpus.items.map((it) => tok(attributeText(it, config.fields)).slice(0, config.itemTextTokens));
    this.prompts = new DarecPrompts({ bos: backbone.bosId, itemBase: backbone.baseVocabSize, numItems: n, itemText, tokenize: tok, ...(config.injectUser ? { userToken: config.userToken } : {}) });
    const longest = this.prompts.sequential(new Array<number>(config.maxHistory).fill(itemText.reduce((m, t, i) => (t.length > itemText[m].length ? i : m), 0)), 0).ids.length;
    if (longest > backbone.model.config.maxSeqLen) {
      throw new RecError('E_CONFIG', `darec: a prompt of ${config.maxHistory} items × ${config.itemTextTokens} text tokens is ${longest} tokens, the backbone's context is ${backbone.model.config.maxSeqLen}`, { hint: 'Lower maxHistory or itemTextTokens, or raise the backbone maxSeqLen.' });
    }
    this.net = new DarecNetwork(backbone.model, { numItems: n, cfDim: config.cfDim, cfMaxLen: config.maxHistory, injectUser: config.injectUser, injectItem: config.injectItem, contextMask: config.contextMask }, new Rng(`${parts.seed}/init`));
    split.train.forEach((seq, user) => {
      for (let t = 1; t < seq.length; t++) this.samples.push({ user, history: seq.slice(Math.max(0, t - config.maxHistory), t), target: seq[t] });
    });
    if (!this.samples.length) throw new RecError('E_DATA_MISSING', 'darec: the training split has no sequence of two or more items', { hint: 'Use a dataset whose users have at least 4 interactions (leave-one-out keeps the last two apart).' });
    this.negatives = hardNegatives(corpus.items.map((it) => attributeWords(it, config.fields)), split.train, config.hardNegatives, new Rng(`${parts.seed}/hard-negatives`));
    this.adapters = new LayerAdapters(backbone.model, config.dynamicTargets, config.dynamicRank);
    if (config.dynamic) this.adapters.check();
  }

  private batch(rows: readonly number[], alignItems: readonly number[]): DarecBatch {
    return {
      next: rows.map((r, b) => {
        const s = this.samples[r];
        return { prompt: this.prompts.sequential(s.history, b), history: s.history, target: s.target, negatives: this.negatives[s.target] };
      }),
      align: alignItems.map((item) => ({ prompt: this.prompts.alignment(item), item })),
    };
  }

  /** One AdamW step on `vars` over the batch of epoch `epoch`, step `s` (seeded by `label`); returns loss and terms. */
  private async step(vars: Record<string, tf.Variable>, optimizer: AdamW, label: string, s: number): Promise<{ loss: number; terms: Record<string, number> }> {
    const c = this.config;
    const n = this.samples.length;
    const rng = new Rng(`${this.parts.seed}/${label}`);
    const order = rng.permutation(n);
    const items = rng.permutation(this.parts.split.numItems);
    const from = (s * c.batchSize) % n;
    const rows = Array.from(order.subarray(from, Math.min(n, from + c.batchSize)));
    const na = Math.ceil(c.batchSize / 2);
    const af = (s * na) % items.length;
    const align = c.alignWeight > 0 ? Array.from(items.subarray(af, Math.min(items.length, af + na))) : [];
    const batch = this.batch(rows, align);
    let kept: Record<string, tf.Scalar> = {};
    const { value, grads } = tf.variableGrads(() => {
      const out = this.net.loss(batch, { align: c.alignWeight, hard: c.hardNegativeWeight, cf: c.cfWeight });
      kept = Object.fromEntries(Object.entries(out.terms).map(([k, t]) => [k, tf.keep(t)]));
      return out.total;
    }, Object.values(vars));
    optimizer.applyGradients(grads);
    tf.dispose(Object.values(grads));
    const loss = (await value.data())[0];
    value.dispose();
    const terms: Record<string, number> = {};
    for (const [k, t] of Object.entries(kept)) {
      terms[k] = (await t.data())[0];
      t.dispose();
    }
    return { loss, terms };
  }

  private newOptimizer(lr: () => number): AdamW {
    const c = this.config;
    return new AdamW({ learningRate: lr, weightDecay: c.weightDecay, clipNorm: c.clipNorm });
  }

  private validator(ctx: TrainContext): () => Promise<MetricValues> {
    const valid = this.parts.split.valid;
    const pick = new Rng(`${this.parts.seed}/valid-users`).permutation(valid.length).slice(0, Math.min(this.config.validUsers, valid.length));
    const cases = Array.from(pick).sort((a, b) => a - b).map((i) => valid[i]);
    return async () => {
      const m = ctx.validateOn ? await ctx.validateOn(this, cases) : await ctx.validate(this);
      if (!(this.config.metric in m)) throw new RecError('E_CONFIG', `darec: the metric '${this.config.metric}' is not among the validation results; computed: ${Object.keys(m).join(', ')}`, { hint: 'Pick a computed metric (--set metric=…).' });
      return m;
    };
  }

  // ---- stage 1: coarse-grained adaption --------------------------------------------------------------------
  private async coarse(ctx: TrainContext, validate: () => Promise<MetricValues>): Promise<{ progress: LoopProgress; resumedFrom?: { epoch: number } }> {
    const c = this.config;
    const named: Record<string, tf.Variable> = { ...Object.fromEntries(Object.entries(this.parts.backbone.trainableVariables()).map(([k, v]) => [`llm/${k}`, v])), ...this.net.variables() };
    let lrScale = 1;
    const optimizer = this.newOptimizer(() => c.learningRate * lrScale);
    const best = new Map<string, tf.Variable>();
    const dir = ctx.checkpointDir && join(ctx.checkpointDir, 'coarse');
    const stepsPerEpoch = c.stepsPerEpoch > 0 ? c.stepsPerEpoch : Math.ceil(this.samples.length / c.batchSize);
    const withBest = () => ({ ...named, ...Object.fromEntries([...best].map(([k, v]) => [`best/${k}`, v])) });
    try {
      const loop = await runTrainingLoop({
        name: this.name, epochs: c.coarseEpochs, stepsPerEpoch, patience: c.patience, metric: c.metric, checkpointEvery: c.checkpointEvery, events: ctx.events,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        step: (epoch, s, scale) => {
          lrScale = scale;
          return this.step(named, optimizer, `coarse/${epoch}`, s).finally(() => this.parts.backbone.markUpdated());
        },
        validate,
        save: dir ? (p) => saveTrainingState(dir, { variables: withBest(), optimizer }, JSON.parse(JSON.stringify({ progress: p })) as JsonValue) : undefined,
        restore: async () => {
          if (!dir || !ctx.resume || !hasCheckpoint(dir)) return undefined;
          const ck = await loadCheckpoint(dir);
          const names = Object.keys(ck.tensors).filter((k) => k.startsWith('best/')).map((k) => k.slice(5));
          tf.dispose(Object.values(ck.tensors));
          for (const k of names) best.set(k, tf.tidy(() => tf.variable(tf.zeros(named[k].shape), false, uniqueVarName(`darec-best/${k}`))));
          const meta = (await restoreTrainingState(dir, { variables: withBest(), optimizer })) as unknown as { progress: LoopProgress };
          this.parts.backbone.markUpdated();
          return meta.progress;
        },
        snapshotBest: () => {
          for (const [k, v] of Object.entries(named)) {
            const old = best.get(k);
            if (old) old.assign(v);
            else best.set(k, tf.tidy(() => tf.variable(v.clone(), false, uniqueVarName(`darec-best/${k}`))));
          }
        },
        restoreBest: () => {
          for (const [k, v] of best) named[k].assign(v);
          this.parts.backbone.markUpdated();
        },
      });
      return { progress: loop.progress, ...(loop.resumedFrom ? { resumedFrom: loop.resumedFrom } : {}) };
    } finally {
      optimizer.dispose();
      for (const v of best.values()) v.dispose();
    }
  }

  // ---- stage 2: dynamic adaption ------------------------------------------------------------------------------
  private async dynamicStage(ctx: TrainContext, validate: () => Promise<MetricValues>, coarseValid: MetricValues): Promise<DynamicResult[]> {
    const c = this.config;
    const grid = c.dynamicGrid ?? defaultDynamicGrid(this.net.llm.blocks.length);
    const own = this.net.variables();
    const start = clone(own);
    const results: DynamicResult[] = [{ scales: null, valid: coarseValid }];
    let best: { index: number; tensors: Record<string, tf.Tensor> } = { index: 0, tensors: start };
    const dir = ctx.checkpointDir && join(ctx.checkpointDir, 'dynamic');
    const score = (r: DynamicResult) => r.valid[c.metric] ?? -Infinity;
    try {
      if (dir && ctx.resume && hasCheckpoint(dir)) {
        const ck = await loadCheckpoint(dir);
        const meta = ck.meta as unknown as { results: DynamicResult[]; best: number };
        results.splice(0, results.length, ...meta.results);
        best = { index: meta.best, tensors: meta.best === 0 ? start : Object.fromEntries(Object.entries(ck.tensors).map(([k, t]) => [k, tf.keep(t)])) };
        if (meta.best === 0) tf.dispose(Object.values(ck.tensors));
        ctx.events.info(`darec: dynamic adaption resumed after ${results.length - 1} of ${grid.length} settings`);
      }
      for (let g = results.length - 1; g < grid.length; g++) {
        for (const [k, v] of Object.entries(own)) v.assign(start[k]);
        const adapterVars = this.adapters.attach(grid[g], new Rng(`${this.parts.seed}/dynamic/${g}/init`));
        const optimizer = this.newOptimizer(() => c.dynamicLearningRate);
        const bar = ctx.events.progress(`train/darec/dynamic/${g}`, `dynamic ${g + 1}/${grid.length} [${grid[g].join(',')}]`, c.dynamicSteps, 'step');
        try {
          for (let s = 0; s < c.dynamicSteps; s++) {
            if (ctx.signal?.aborted) throw new RecError('E_ABORTED', `darec: dynamic adaption interrupted at setting ${g + 1} (--resume continues with it)`, { cause: ctx.signal.reason });
            const r = await this.step({ ...own, ...adapterVars }, optimizer, `dynamic/${g}`, s);
            bar.tick(1, { loss: Number(r.loss.toFixed(4)) });
          }
          bar.done();
          const valid = await validate();
          results.push({ scales: [...grid[g]], valid });
          ctx.events.info(`darec: dynamic setting [${grid[g].join(', ')}] valid ${c.metric} ${(valid[c.metric] ?? NaN).toFixed(4)}`);
          if (score(results[results.length - 1]) > score(results[best.index])) {
            if (best.index !== 0) tf.dispose(Object.values(best.tensors));
            best = { index: results.length - 1, tensors: { ...clone(own), ...clone(adapterVars) } };
          }
        } finally {
          optimizer.dispose();
          this.adapters.detach();
        }
        if (dir) await saveCheckpoint(dir, { tensors: best.tensors, meta: JSON.parse(JSON.stringify({ results, best: best.index })) as JsonValue });
      }
      for (const [k, v] of Object.entries(own)) v.assign(best.tensors[k]);
      this.chosen = results[best.index].scales;
      if (this.chosen) this.adapters.restore(this.chosen, best.tensors);
      this.parts.backbone.markUpdated();
      return results;
    } finally {
      if (best.tensors !== start) tf.dispose(Object.values(best.tensors));
      tf.dispose(Object.values(start));
    }
  }

  async fit(ctx: TrainContext): Promise<TrainReport> {
    const t0 = performance.now();
    const validate = this.validator(ctx);
    const { progress: p, resumedFrom } = await this.coarse(ctx, validate);
    const dynamic = this.config.dynamic ? await this.dynamicStage(ctx, validate, p.bestValid) : [];
    const chosen = dynamic.reduce<DynamicResult | undefined>((b, r) => (!b || (r.valid[this.config.metric] ?? -Infinity) > (b.valid[this.config.metric] ?? -Infinity) ? r : b), undefined);
    return {
      epochs: p.history.length,
      bestEpoch: p.bestEpoch,
      bestValid: chosen?.valid ?? p.bestValid,
      seconds: (performance.now() - t0) / 1000,
      ...(resumedFrom ? { resumedFromEpoch: resumedFrom.epoch } : {}),
      history: p.history.map((h) => ({ epoch: h.epoch, loss: h.loss, ...(h.lr !== undefined ? { lr: h.lr * this.config.learningRate } : {}), ...(h.valid ? { valid: h.valid } : {}), seconds: h.seconds, ...(h.terms ? { terms: h.terms } : {}) })),
      extra: { samples: this.samples.length, dynamic, chosenScales: this.chosen, contextMask: this.config.contextMask, hardNegatives: this.config.hardNegatives },
    };
  }

  /** Scores over all items `[batch, numItems]` (seen items are the evaluator's business, per its protocol). */
  score(cases: readonly EvalCase[]): tf.Tensor2D {
    const bs = this.config.scoreBatch;
    const parts: tf.Tensor2D[] = [];
    for (let i = 0; i < cases.length; i += bs) {
      const part = cases.slice(i, i + bs);
      const histories = part.map((cs) => cs.history.slice(-this.config.maxHistory));
      parts.push(this.net.score(histories.map((h, b) => this.prompts.sequential(h, b)), histories));
    }
    if (parts.length === 1) return parts[0];
    const out = tf.concat(parts) as tf.Tensor2D;
    tf.dispose(parts);
    return out;
  }

  parameterCount(): number {
    return this.parts.backbone.parameterCount().total + this.net.parameterCount();
  }

  dispose(): void {
    this.adapters.detach();
    this.net.dispose();
    this.parts.backbone.dispose();
  }
}
