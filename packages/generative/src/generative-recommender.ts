import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  AdamW,
  IndexVocabulary,
  applyFiniteGradients,
  RecError,
  Rng,
  hasCheckpoint,
  loadCheckpoint,
  restoreTrainingState,
  runTrainingLoop,
  saveCheckpoint,
  saveTrainingState,
  type Backbone,
  type Corpus,
  type DualIndex,
  type EntityIndex,
  type EvalCase,
  type Indexer,
  type IndexerKind,
  type ItemRecord,
  type InstructionSample,
  type InstructionTask,
  type ItemRanking,
  type JsonValue,
  type LmSample,
  type LoopProgress,
  type PrefixTrie,
  type Split,
  type TrainContext,
  type TrainReport,
  type TrainableRecommender,
} from '@ed2/core';
import { uniqueVarName } from '@ed2/backbones';
import { countChanged } from '@ed2/indexers';
import { buildInstructionSamples, SequentialTask } from '@ed2/tasks';
import type { GenerativeConfig } from './generative-config';
import { EntityLookup } from './entity-spans';
import { hasUserText, historyMeanFeatures, itemTextOf, itemTexts, loadItemFeatures, userTexts } from './entity-features';
import { planNewItemIndices, type NewItemIndex } from './plan-new-item-indices';
import { IndexRows } from './index-rows';
import { jointLoss } from './joint-loss';

/** The parts a generative recommender is assembled from (built by its plugin through the registry). */
export interface GenerativeParts {
  readonly backbone: Backbone;
  readonly indexers: ReadonlyMap<IndexerKind, Indexer>;
  /** Collision-suffix slots of each branch (its indexer's `suffixTokens`). */
  readonly suffixes: ReadonlyMap<IndexerKind, number>;
  readonly tasks: readonly InstructionTask[];
  readonly sequential: SequentialTask;
  readonly corpus: Corpus;
  readonly split: Split;
  readonly seed: number;
}

interface BranchState {
  codes: Int32Array;
  index: EntityIndex;
}

/**
 * One generative recommender (ED², LC-Rec, … are configurations of it): entity features → indexer warm-up on
 * the frozen backbone → index vocabulary, samples and trie → joint training with dynamic re-indexing →
 * constrained-beam ranking. Every stage is checkpointed under the run's checkpoint folder and resumable;
 * rankings are item ids read off the trie leaves, so colliding indices never count as hits.
 */
export class GenerativeRecommender implements TrainableRecommender {
  readonly name: string;
  private readonly backbone: Backbone;
  private readonly indexers: ReadonlyMap<IndexerKind, Indexer>;
  private vocab: IndexVocabulary | undefined;
  private rowsProvider: IndexRows | undefined;
  private features = new Map<IndexerKind, tf.Tensor2D>();
  private state = new Map<IndexerKind, BranchState>();
  private samples: InstructionSample[] = [];
  private trie: PrefixTrie | undefined;
  private lookup: EntityLookup | undefined;
  private textIds = new Map<IndexerKind, number[][]>();
  /** Each entity's current index token ids per branch (rebuilt with the samples when indices change). */
  private entityIds = new Map<IndexerKind, number[][]>();
  private evalRows: tf.Tensor2D | undefined;
  /** Sequential template used by `recommend` (the evaluator switches it to average over templates). */
  template: string;
  /** Re-indexing log: step, branch, changed entities, collision rate before the suffix. */
  readonly reindexLog: { step: number; branch: IndexerKind; changed: number; collisionRate: number }[] = [];

  constructor(
    name: string,
    readonly config: GenerativeConfig,
    private readonly parts: GenerativeParts,
  ) {
    this.name = name;
    this.backbone = parts.backbone;
    this.indexers = parts.indexers;
    this.template = parts.sequential.activeTemplates[0];
  }

  /** Sequential templates the test is averaged over. */
  evalTemplates(): string[] {
    const all = this.parts.sequential.activeTemplates;
    return this.config.testTemplates === 'all' ? all : all.slice(0, 1);
  }

  get index(): DualIndex {
    const item = this.state.get('item')?.index;
    if (!item) throw new RecError('E_CONFIG', `${this.name}: no index yet`, { hint: 'Call fit() first.' });
    const user = this.state.get('user')?.index;
    return user ? { item, user } : { item };
  }

  // ---- stage (a): entity features -------------------------------------------------------------------
  private async stageFeatures(ctx: TrainContext, dir: string | undefined): Promise<void> {
    const file = dir && join(dir, 'features');
    if (file && ctx.resume && hasCheckpoint(file)) {
      const ck = await loadCheckpoint(file);
      for (const [k, t] of Object.entries(ck.tensors)) this.features.set(k as IndexerKind, t as tf.Tensor2D);
      ctx.events.info(`${this.name}: entity features restored from the checkpoint`);
      return;
    }
    const { corpus, split } = this.parts;
    if (this.config.itemFeatures) this.features.set('item', await loadItemFeatures(this.config.itemFeatures, corpus.items.length));
    else this.features.set('item', await this.encodeTexts('item', itemTexts(corpus), ctx));
    if (this.indexers.has('user')) {
      if (this.userFromItems()) {
        ctx.events.info(`${this.name}: no user text in ${corpus.name}: user features are the mean item features of each user's training history`);
        this.features.set('user', await historyMeanFeatures(this.features.get('item')!, split));
      } else this.features.set('user', await this.encodeTexts('user', userTexts(corpus, split), ctx));
    }
    for (const [branch, x] of this.features) await this.assertFinite(branch, x); // before anything is checkpointed
    if (file) await saveCheckpoint(file, { tensors: Object.fromEntries(this.features) });
  }

  /** E_NUMERIC when features hold a NaN or an infinity (garbage backbone weights, a damaged features file). */
  private async assertFinite(branch: IndexerKind, x: tf.Tensor2D): Promise<void> {
    const bad = tf.tidy(() => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(x)), 'int32')));
    const count = (await bad.data())[0];
    bad.dispose();
    if (count === 0) return;
    const source = branch === 'item' && this.config.itemFeatures ? `the item features of ${this.config.itemFeatures}` : `the ${branch} text features the backbone encoded`;
    throw new RecError('E_NUMERIC', `${this.name}: ${source} hold ${count} NaN or infinite values of ${x.size} (rows ${x.shape[0]}); nothing was checkpointed`, {
      hint: branch === 'item' && this.config.itemFeatures ? 'Recompute that features file.' : 'The backbone weights hold garbage (NaN or huge values): check or replace the --backbone weights file, then --resume.',
    });
  }

  private async encodeTexts(branch: IndexerKind, texts: string[], ctx: TrainContext): Promise<tf.Tensor2D> {
    const bar = ctx.events.progress(`features/${branch}`, `encode ${branch} texts`, texts.length, branch === 'item' ? 'items' : 'users');
    const out: tf.Tensor2D[] = [];
    for (let i = 0; i < texts.length; i += 256) {
      out.push(await this.backbone.encode(texts.slice(i, i + 256), ctx.signal ? { signal: ctx.signal } : {}));
      bar.tick(Math.min(256, texts.length - i));
    }
    bar.done();
    const x = tf.concat(out, 0) as tf.Tensor2D;
    tf.dispose(out);
    return x;
  }

  // ---- stage (b): indexer warm-up on the frozen backbone -------------------------------------------------
  private async stageWarmup(ctx: TrainContext, dir: string | undefined): Promise<void> {
    const wdir = dir && join(dir, 'warmup');
    for (const [branch, ix] of this.indexers) {
      const sub = wdir && join(wdir, branch);
      const x = this.features.get(branch)!;
      if (sub && ctx.resume && hasCheckpoint(sub)) {
        await ix.load(sub);
        ctx.events.info(`${this.name}: ${branch} indexer warm-up restored`);
      } else {
        await ix.fit(x, { events: ctx.events, ...(ctx.signal ? { signal: ctx.signal } : {}), epochs: ix.trainable ? this.config.warmupEpochs : 0 });
        if (sub) await ix.save(sub);
      }
      const codes = Int32Array.from(await ix.assign(x));
      this.state.set(branch, { codes, index: ix.index(codes) });
    }
  }

  // ---- stage (c): vocabulary, samples, trie --------------------------------------------------------------
  private buildVocabulary(): void {
    // Suffix slots are fixed here for the whole run: the configured number, or twice the largest collision set
    // of the warm-up assignment (a later re-assignment that needs more keeps its branch's previous codes).
    const layouts = [...this.indexers.entries()].map(([kind, ix]) => ({
      kind, prefix: ix.prefix, levels: ix.levels, codebookSize: ix.codebookSize,
      suffixes: Math.max(this.parts.suffixes.get(kind) ?? 8, 2 * ix.stats(this.state.get(kind)!.codes).maxCollisionSet),
    }));
    this.vocab = new IndexVocabulary(layouts, this.backbone.baseVocabSize);
    this.backbone.setIndexVocabulary(this.vocab);
    this.rowsProvider = new IndexRows(this.vocab, this.indexers, this.backbone.dim, new Rng(`${this.parts.seed}/rows`));
    for (const [branch] of this.indexers) {
      const texts = branch === 'item' ? itemTexts(this.parts.corpus) : userTexts(this.parts.corpus, this.parts.split);
      this.textIds.set(branch, texts.map((t) => [this.bos, ...this.backbone.tokenize(t)].slice(0, 48)));
    }
  }

  private get bos(): number {
    return this.backbone.bosId;
  }

  private get eos(): number {
    return this.backbone.eosId;
  }

  /** Samples, lookup and trie for the current codes (same rng forks: the same samples in the same order). */
  private rebuild(ctx: { events: TrainContext['events'] }): void {
    const index = this.index;
    this.samples = buildInstructionSamples(this.parts.tasks, { corpus: this.parts.corpus, split: this.parts.split, index, rng: new Rng(`${this.parts.seed}/samples`), part: 'train', events: ctx.events });
    if (!this.samples.length) throw new RecError('E_DATA_MISSING', `${this.name}: the tasks made no training samples`, { hint: 'Check --tasks and the dataset (sequences of at least 3 items).' });
    this.lookup = new EntityLookup(this.vocab!, [index.item, ...(index.user ? [index.user] : [])]);
    this.entityIds = new Map([...this.state].map(([k, st]) => [k, this.vocab!.allEntityIds(st.index)]));
    this.trie = this.vocab!.trie(index.item);
  }

  private tokenizeSample(s: InstructionSample): LmSample {
    return { prompt: [this.bos, ...this.backbone.tokenize(s.prompt)], response: [...this.backbone.tokenize(s.response), this.eos] };
  }

  // ---- stage (e): dynamic re-indexing --------------------------------------------------------------------
  private async reindex(step: number, ctx: TrainContext): Promise<void> {
    let changed = 0;
    for (const [branch, ix] of this.indexers) {
      // a fixed indexer (LSH) is dynamic through its input: the entity texts encoded by the backbone as trained so far
      if (this.rehashes(branch, ix)) {
        const texts = branch === 'item' ? itemTexts(this.parts.corpus) : userTexts(this.parts.corpus, this.parts.split);
        const x = await this.encodeTexts(branch, texts, ctx);
        await this.assertFinite(branch, x);
        this.features.get(branch)?.dispose();
        this.features.set(branch, x);
      }
      const prev = this.state.get(branch)!;
      const codes = Int32Array.from(await ix.assign(this.features.get(branch)!));
      const c = countChanged(prev.codes, codes, ix.levels);
      const stats = ix.stats(codes);
      if (stats.maxCollisionSet > this.vocab!.layout(branch)!.suffixes) {
        ctx.events.warn(`${this.name}: re-indexing the ${branch}s at step ${step} would need ${stats.maxCollisionSet} collision suffixes (${this.vocab!.layout(branch)!.suffixes} preallocated); keeping the previous ${branch} codes`);
        continue;
      }
      this.reindexLog.push({ step, branch, changed: c, collisionRate: stats.collisionRate });
      ctx.events.metric(`${this.name}/${branch}/changed`, c, step, 'train');
      ctx.events.metric(`${this.name}/${branch}/collision-rate`, stats.collisionRate, step, 'train');
      this.state.set(branch, { codes, index: ix.index(codes) });
      changed += c;
    }
    if (changed > 0) this.rebuild(ctx);
  }

  /** Item features from a file and no user text anywhere: users are placed by their history's item features. */
  private userFromItems(): boolean {
    return !!this.config.itemFeatures && !hasUserText(this.parts.corpus);
  }

  /**
   * Whether an untrained indexer that follows its input (dynamic-mode LSH) gets its branch's texts re-encoded at
   * each re-indexing: a dynamic run, and the branch's features are encoded texts (not a features file).
   */
  private rehashes(branch: IndexerKind, ix: Indexer): boolean {
    const fromTexts = !(this.config.itemFeatures && (branch === 'item' || this.userFromItems()));
    return this.config.dynamic && !ix.trainable && ix.usesFeatures !== false && fromTexts;
  }

  // ---- stage (d) + (f): joint training, validation ------------------------------------------------------
  async fit(ctx: TrainContext): Promise<TrainReport> {
    const t0 = performance.now();
    const dir = ctx.checkpointDir;
    await this.stageFeatures(ctx, dir);
    await this.stageWarmup(ctx, dir);
    this.buildVocabulary();
    this.rebuild(ctx);
    const c = this.config;
    const dynamic = c.dynamic && [...this.indexers.values()].some((ix) => ix.trainable);
    const rehash = [...this.indexers].some(([b, ix]) => this.rehashes(b, ix));
    if (c.dynamic) {
      for (const [b, ix] of this.indexers) {
        if (!ix.trainable && !this.rehashes(b, ix)) ctx.events.info(`${this.name}: the ${b} indexer (${ix.name}) keeps its codes, so dynamic re-indexing leaves the ${b} indices as they are${ix.name === 'lsh' ? ' (set its mode to dynamic to re-hash re-encoded texts)' : ''}`);
      }
    }
    const named: Record<string, tf.Variable> = { ...this.backbone.trainableVariables(), ...this.rowsProvider!.variables() };
    if (dynamic) for (const [b, ix] of this.indexers) ix.variables().filter((v) => v.trainable).forEach((v, i) => (named[`indexer/${b}/${i}`] = v));
    const vars = Object.values(named);
    let lrScale = 1;
    const indexerVarNames = new Set(Object.entries(named).filter(([k]) => k.startsWith('indexer/')).map(([, v]) => v.name));
    const optimizer = new AdamW({ learningRate: () => c.learningRate * lrScale, weightDecay: c.weightDecay, clipNorm: c.clipNorm, lrMultiplier: (name) => (indexerVarNames.has(name) ? c.indexerLrScale : 1) });
    const best = new Map<string, tf.Variable>();
    let bestCodes = new Map<IndexerKind, Int32Array>();
    const validUsers = new Rng(`${this.parts.seed}/valid-users`).permutation(this.parts.split.valid.length).slice(0, Math.min(c.validUsers, this.parts.split.valid.length));
    const validCases: EvalCase[] = Array.from(validUsers).sort((a, b) => a - b).map((i) => this.parts.split.valid[i]);
    const n = this.samples.length;
    const stepsPerEpoch = c.stepsPerEpoch > 0 ? c.stepsPerEpoch : Math.ceil(n / c.batchSize);
    let perm: { epoch: number; order: Int32Array } | undefined;
    const jdir = dir && join(dir, 'joint');
    const codesMeta = (m: ReadonlyMap<IndexerKind, Int32Array | BranchState>) => Object.fromEntries([...m].map(([k, v]) => [k, Array.from(v instanceof Int32Array ? v : v.codes)]));
    const save = async (p: LoopProgress) => {
      if (!jdir) return;
      const bestVars = Object.fromEntries([...best].map(([k, v]) => [`best/${k}`, v]));
      await saveTrainingState(jdir, { variables: { ...named, ...bestVars }, optimizer }, JSON.parse(JSON.stringify({ progress: p, codes: codesMeta(this.state), bestCodes: codesMeta(bestCodes), reindexLog: this.reindexLog })) as JsonValue);
    };
    const snapshotBest = () => {
      for (const [k, v] of Object.entries(named)) {
        const old = best.get(k);
        if (old) old.assign(v);
        else best.set(k, tf.tidy(() => tf.variable(v.clone(), false, uniqueVarName(`generative-best/${k}`)))); // tidy frees the clone (the variable keeps its data)
      }
      bestCodes = new Map([...this.state].map(([k, s]) => [k, Int32Array.from(s.codes)]));
    };
    try {
      const toHistory = (h: LoopProgress['history'][number]) => ({ epoch: h.epoch, loss: h.loss, ...(h.lr !== undefined ? { lr: h.lr * c.learningRate } : {}), ...(h.valid ? { valid: h.valid } : {}), seconds: h.seconds, ...(h.terms ? { terms: h.terms } : {}), ...(h.tokens !== undefined ? { tokens: h.tokens, stepSeconds: h.stepSeconds } : {}) });
      const loop = await runTrainingLoop({
        name: this.name,
        ...(ctx.onEpoch ? { onEpoch: (h: LoopProgress['history']) => ctx.onEpoch!(h.map(toHistory)) } : {}),
        epochs: c.epochs,
        stepsPerEpoch,
        patience: c.patience,
        metric: c.metric,
        checkpointEvery: c.checkpointEvery,
        ...(jdir ? { checkpointDir: jdir } : {}),
        events: ctx.events,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        restore: async () => {
          if (!jdir || !ctx.resume || !hasCheckpoint(jdir)) return undefined;
          const ck = await loadCheckpoint(jdir);
          const names = Object.keys(ck.tensors).filter((k) => k.startsWith('best/'));
          tf.dispose(Object.values(ck.tensors));
          for (const k of names) best.set(k.slice(5), tf.variable(tf.zeros(named[k.slice(5)].shape), false, uniqueVarName(`generative-best/${k}`)));
          const bestVars = Object.fromEntries([...best].map(([k, v]) => [`best/${k}`, v]));
          const meta = (await restoreTrainingState(jdir, { variables: { ...named, ...bestVars }, optimizer })) as unknown as { progress: LoopProgress; codes: Record<string, number[]>; bestCodes: Record<string, number[]>; reindexLog: GenerativeRecommender['reindexLog'] };
          for (const [k, codes] of Object.entries(meta.codes)) {
            const ix = this.indexers.get(k as IndexerKind)!;
            this.state.set(k as IndexerKind, { codes: Int32Array.from(codes), index: ix.index(Int32Array.from(codes)) });
          }
          bestCodes = new Map(Object.entries(meta.bestCodes).map(([k, v]) => [k as IndexerKind, Int32Array.from(v)]));
          this.reindexLog.push(...meta.reindexLog);
          this.rebuild(ctx);
          this.backbone.markUpdated();
          return meta.progress;
        },
        save,
        snapshotBest,
        restoreBest: () => {
          for (const [k, v] of best) named[k].assign(v);
          for (const [k, codes] of bestCodes) this.state.set(k, { codes, index: this.indexers.get(k)!.index(codes) });
          this.rebuild(ctx);
          this.backbone.markUpdated();
          this.invalidate();
        },
        step: async (epoch, s, scale, globalStep) => {
          lrScale = scale;
          if (perm?.epoch !== epoch) perm = { epoch, order: new Rng(`${this.parts.seed}/epoch/${epoch}`).permutation(n) };
          const rows = Array.from(perm.order.subarray((s * c.batchSize) % n, Math.min(n, ((s * c.batchSize) % n) + c.batchSize)));
          const lm = rows.map((r) => this.tokenizeSample(this.samples[r]));
          const occurrences = lm.flatMap((x, i) => this.lookup!.scan([...x.prompt, ...x.response], i));
          const seed = new Rng(`${this.parts.seed}/step/${globalStep}`).nextUint32();
          let kept: Record<string, tf.Scalar> = {};
          const { value, grads } = tf.variableGrads(() => {
            const out = jointLoss(this.backbone, this.vocab!, this.indexers, () => this.rowsProvider!.rows(), { lm, occurrences, features: this.features, entityIds: this.entityIds, textIds: this.textIds }, {
              beta1: c.beta1, beta2: c.beta2, quantizer: c.quantizerWeight, tauId: c.tauId, tauToken: c.tauToken, dynamic, mgtr: c.mgtr, mgtrEntities: c.mgtrEntities,
            }, seed);
            kept = Object.fromEntries(Object.entries(out.terms).map(([k, t]) => [k, tf.keep(t)]));
            return out.total;
          }, vars);
          // the update only when every gradient is finite; the loop then stops with E_NUMERIC naming the variable
          const { loss, nonFiniteGradient } = await applyFiniteGradients(optimizer, value, grads);
          if (nonFiniteGradient === undefined) this.backbone.markUpdated();
          value.dispose();
          const terms: Record<string, number> = {};
          for (const [k, t] of Object.entries(kept)) {
            terms[k] = (await t.data())[0];
            t.dispose();
          }
          const tokens = lm.reduce((t, x) => t + x.prompt.length + x.response.length, 0);
          return { loss, terms, tokens, info: { 'tok/step': tokens }, ...(nonFiniteGradient !== undefined ? { nonFiniteGradient: Object.entries(named).find(([, v]) => v.name === nonFiniteGradient)?.[0] ?? nonFiniteGradient } : {}) };
        },
        afterStep: async (globalStep) => {
          if ((dynamic || rehash) && globalStep % c.reindexEvery === 0) await this.reindex(globalStep, ctx);
        },
        validate: async () => {
          this.invalidate();
          if (!ctx.validateOn) return ctx.validate(this);
          this.template = this.evalTemplates()[0];
          return ctx.validateOn(this, validCases);
        },
      });
      const p = loop.progress;
      const history = p.history.map(toHistory);
      return {
        epochs: p.history.length,
        bestEpoch: p.bestEpoch,
        bestValid: p.bestValid,
        seconds: (performance.now() - t0) / 1000 + loop.previousSeconds, // the loop's time of earlier attempts too
        ...(loop.resumedFrom ? { resumedFromEpoch: loop.resumedFrom.epoch } : {}),
        history,
        extra: {
          samples: n,
          stepsPerEpoch,
          validUsers: validCases.length,
          reindex: this.reindexLog,
          indexStats: Object.fromEntries([...this.indexers].map(([k, ix]) => [k, ix.stats(this.state.get(k)!.codes, k === 'item' ? this.parts.corpus.items.map((it) => it.categories?.[0]) : undefined)])),
        },
      };
    } finally {
      optimizer.dispose();
      for (const v of best.values()) v.dispose();
    }
  }

  // ---- stage (g): ranking by constrained beam search ------------------------------------------------------
  async recommend(cases: readonly EvalCase[], k: number): Promise<ItemRanking[]> {
    if (!this.trie || !this.rowsProvider) throw new RecError('E_CONFIG', `${this.name}: recommend() before fit()`, { hint: 'Train the model first.' });
    this.evalRows ??= tf.tidy(() => this.rowsProvider!.rows());
    const index = this.index;
    const prompts = cases.map((cs) => [this.bos, ...this.backbone.tokenize(this.parts.sequential.evalPrompt(index, cs.user, cs.history, this.template))]);
    const hits = await this.backbone.constrainedSearch(prompts, this.trie, { beams: Math.max(this.config.beams, k), topK: k, rows: this.evalRows });
    return hits.map((h) => ({ items: h.map((x) => x.value), scores: h.map((x) => x.score) }));
  }

  // ---- new items after training (rec index add) ------------------------------------------------------------
  /** Items added after training, in id order from `corpus.items.length` on. */
  readonly addedItems: { key: string; id: number; tokens: readonly string[] }[] = [];

  /**
   * Feature rows of new items' texts, encoded the way stage (a) encoded the catalogue: by the backbone as it was
   * before training. Call it on a freshly built recommender BEFORE `fit` restores the trained weights (as
   * `rec index add` does); afterwards the backbone is the trained one and its features would not match the ones
   * the indexer was trained on. Models trained on an embedding file (`itemFeatures`) need the new items' rows
   * from that source instead.
   */
  async encodeNewItems(items: readonly Omit<ItemRecord, 'id'>[]): Promise<tf.Tensor2D> {
    if (this.config.itemFeatures) throw new RecError('E_CONFIG', `${this.name} was trained on item features from ${this.config.itemFeatures}, so new items need their feature rows too`, { hint: 'Pass --features <file> (.npy or .safetensors, one row per new item).' });
    if (this.trie) throw new RecError('E_CONFIG', `${this.name}: encodeNewItems() after fit() would use the trained backbone, not the one the catalogue was encoded with`, { hint: 'Encode new items on a freshly built recommender, then restore it with fit({resume: true}).' });
    return this.backbone.encode(items.map(itemTextOf));
  }

  /**
   * Indexes items that arrived after training, without retraining: from their feature rows [m, d] (see
   * `encodeNewItems`), the trained item indexer assigns codes, `planNewItemIndices` makes them unique without
   * touching any existing index, and the trie gains them (ids from `corpus.items.length` on). The vocabulary
   * needs no new tokens: codes and suffix slots are preallocated. Returns each item's plan.
   */
  async addItems(items: readonly Omit<ItemRecord, 'id'>[], features: tf.Tensor2D, options: { events?: TrainContext['events'] } = {}): Promise<(NewItemIndex & { key: string; id: number })[]> {
    const ix = this.indexers.get('item');
    const st = this.state.get('item');
    if (!ix || !st || !this.trie || !this.vocab) throw new RecError('E_CONFIG', `${this.name}: addItems() before fit()`, { hint: 'Restore or train the model first.' });
    if (!items.length) return [];
    const known = new Set([...this.parts.corpus.items.map((i) => i.key), ...this.addedItems.map((a) => a.key)]);
    const dup = items.find((it) => known.has(it.key));
    if (dup) throw new RecError('E_DATA_FORMAT', `new item "${dup.key}" is already in the catalogue`, { hint: 'Give each new item a key the dataset does not use.' });
    const x = features;
    if (x.shape[0] !== items.length) throw new RecError('E_DATA_FORMAT', `${x.shape[0]} feature rows for ${items.length} new items`, { hint: 'Give one feature row per new item, in the same order.' });
    const featureDim = this.features.get('item')!.shape[1];
    if (x.shape[1] !== featureDim) throw new RecError('E_DATA_FORMAT', `new items' features are ${x.shape[1]}-wide, the catalogue's ${featureDim}-wide`, { hint: 'Encode new items the way the run encoded its items (same backbone or embedding source).' });
    const assigned = Int32Array.from(await ix.assign(x));
    await ix.assign(this.features.get('item')!); // the indexer remembers its last assignment: restore the catalogue's
    const cb = ix.codebooks()[ix.levels - 1];
    const plans = planNewItemIndices(st.index.tokens, assigned, items.map((i) => i.key), {
      prefix: ix.prefix, levels: ix.levels, codebookSize: ix.codebookSize, suffixSlots: this.vocab.layout('item')!.suffixes,
      lastLevelCodebook: { data: cb.dataSync() as Float32Array, dim: cb.shape[1] ?? 1 },
    });
    const out = plans.map((p, j) => ({ ...p, key: items[j].key, id: this.parts.corpus.items.length + this.addedItems.length + j }));
    this.insertAdded(out);
    options.events?.info(`${this.name}: indexed ${out.length} new items (${out.filter((o) => o.resolution === 'suffix').length} joined a collision set, ${out.filter((o) => o.resolution === 'rerouted').length} re-routed on the last level)`);
    return out;
  }

  /** Restores items added earlier (their stored tokens), e.g. from a run folder's added-items.json. */
  restoreAddedItems(entries: readonly { key: string; tokens: readonly string[] }[]): void {
    if (!this.trie || !this.vocab) throw new RecError('E_CONFIG', `${this.name}: restoreAddedItems() before fit()`);
    this.insertAdded(entries.map((e, j) => ({ ...e, id: this.parts.corpus.items.length + this.addedItems.length + j })));
  }

  private insertAdded(entries: readonly { key: string; id: number; tokens: readonly string[] }[]): void {
    for (const e of entries) {
      const ids = e.tokens.map((t) => {
        const id = this.vocab!.id(t);
        if (id === undefined) throw new RecError('E_DATA_FORMAT', `new item "${e.key}": token ${t} is not in the index vocabulary`, { hint: 'Index new items with the run they were made for.' });
        return id;
      });
      if (this.trie!.walk(ids)?.complete) throw new RecError('E_INTERNAL', `new item "${e.key}": index ${e.tokens.join('')} is already taken`);
      this.trie!.insert(ids, e.id);
      this.addedItems.push({ key: e.key, id: e.id, tokens: [...e.tokens] });
    }
  }

  /** Drop cached evaluation rows (call after weights change outside fit). */
  invalidate(): void {
    this.evalRows?.dispose();
    this.evalRows = undefined;
  }

  parameterCount(): number {
    const ix = [...this.indexers.values()].reduce((s, i) => s + i.variables().reduce((a, v) => a + v.size, 0), 0);
    const rows = this.rowsProvider ? Object.values(this.rowsProvider.variables()).reduce((a, v) => a + v.size, 0) : 0;
    return this.backbone.parameterCount().total + ix + rows;
  }

  dispose(): void {
    this.invalidate();
    this.rowsProvider?.dispose();
    tf.dispose([...this.features.values()]);
    for (const ix of this.indexers.values()) ix.dispose();
    this.backbone.dispose();
  }
}
