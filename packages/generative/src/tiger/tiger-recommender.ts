import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  AdamW,
  IndexVocabulary,
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
  type EntityIndex,
  type EvalCase,
  type Indexer,
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
import { uniqueVarName, type T5Backbone } from '@ed2/backbones';
import { itemTexts, loadItemFeatures } from '../entity-features';
import type { TigerConfig } from './tiger-config';
import { tigerIndex } from './tiger-index';
import { userBucket } from './user-bucket';

/** A non-trainable variable initialised from `t` (disposed: tf.variable keeps its own copy). */
function frozenCopy(t: tf.Tensor, name: string): tf.Variable {
  const v = tf.variable(t, false, uniqueVarName(name));
  t.dispose();
  return v;
}

/** What the plugin assembles TIGER from. */
export interface TigerParts {
  readonly indexer: Indexer;
  readonly t5: T5Backbone;
  /** The item-text encoder, made only when the features come from text. */
  readonly textBackbone: () => Promise<Backbone>;
  readonly corpus: Corpus;
  readonly split: Split;
  readonly seed: number;
}

/**
 * TIGER (Rajput et al. 2023): items → semantic IDs (an indexer over item features, plus the collision level) →
 * a T5 encoder–decoder reads `<user_h(u)>` and the semantic IDs of the last `maxHistory` items and is trained with
 * teacher forcing (cross-entropy over the next item's ID tokens) on one sample per prefix of every training
 * sequence → ranking by trie-constrained beam search, hits read off the trie leaves as item ids. Stages are
 * checkpointed (`index`: the codes; `train`: weights, best weights, optimizer, loop progress) and resume exactly.
 */
export class TigerRecommender implements TrainableRecommender {
  readonly name = 'tiger';
  private vocab: IndexVocabulary | undefined;
  private index: EntityIndex | undefined;
  private itemIds: number[][] = [];
  private trie: PrefixTrie | undefined;
  private samples: { user: number; history: number[]; target: number }[] = [];
  private codes: Int32Array | undefined;

  constructor(
    readonly config: TigerConfig,
    private readonly parts: TigerParts,
  ) {}

  /** The semantic IDs (after `fit`). */
  get itemIndex(): EntityIndex {
    if (!this.index) throw new RecError('E_CONFIG', 'tiger: no index yet', { hint: 'Call fit() first.' });
    return this.index;
  }

  // ---- stage 1: features → codes ----------------------------------------------------------------------
  private async features(ctx: TrainContext): Promise<tf.Tensor2D> {
    const { corpus } = this.parts;
    const n = corpus.items.length;
    // a static index ignores the features (only their row count matters)
    if (this.parts.indexer.name === 'static') return tf.zeros([n, 1]);
    if (this.config.itemFeatures) return loadItemFeatures(this.config.itemFeatures, n);
    const bb = await this.parts.textBackbone();
    try {
      const texts = itemTexts(corpus);
      const bar = ctx.events.progress('features/item', 'encode item texts', n, 'items');
      const out: tf.Tensor2D[] = [];
      for (let i = 0; i < n; i += 256) {
        out.push(await bb.encode(texts.slice(i, i + 256), ctx.signal ? { signal: ctx.signal } : {}));
        bar.tick(Math.min(256, n - i));
      }
      bar.done();
      const x = tf.concat(out, 0) as tf.Tensor2D;
      tf.dispose(out);
      return x;
    } finally {
      bb.dispose();
    }
  }

  private async stageIndex(ctx: TrainContext, dir: string | undefined): Promise<void> {
    const ix = this.parts.indexer;
    if (dir && ctx.resume && hasCheckpoint(dir)) {
      const ck = await loadCheckpoint(dir);
      this.codes = Int32Array.from(ck.tensors.codes.dataSync());
      tf.dispose(Object.values(ck.tensors));
      ctx.events.info('tiger: semantic IDs restored from the checkpoint');
      return;
    }
    const x = await this.features(ctx);
    try {
      await ix.fit(x, { events: ctx.events, ...(ctx.signal ? { signal: ctx.signal } : {}), ...(this.config.indexerEpochs !== undefined ? { epochs: this.config.indexerEpochs } : {}) });
      this.codes = Int32Array.from(await ix.assign(x));
    } finally {
      x.dispose();
    }
    if (dir) {
      const t = tf.tensor2d(this.codes, [this.codes.length / ix.levels, ix.levels], 'int32');
      await saveCheckpoint(dir, { tensors: { codes: t } });
      t.dispose();
    }
  }

  private buildIndex(): void {
    const ix = this.parts.indexer;
    const maxCode = this.codes!.reduce((m, c) => Math.max(m, c), 0);
    const { index, layout } = tigerIndex(this.codes!, ix.levels, Math.max(ix.codebookSize, maxCode + 1), this.config.collisionToken, this.parts.seed);
    this.index = index;
    this.vocab = new IndexVocabulary([layout], this.parts.t5.baseVocabSize);
    this.parts.t5.setIndexVocabulary(this.vocab);
    this.itemIds = this.vocab.allEntityIds(index);
    this.trie = this.vocab.trie(index);
  }

  /** Encoder input: the user token, then the IDs of the last `maxHistory` items. */
  prompt(user: number, history: readonly number[]): number[] {
    const key = this.parts.corpus.users[user]?.key ?? String(user);
    const t5 = this.parts.t5;
    return [t5.userTokenId(userBucket(key, t5.options.userTokens)), ...history.slice(-this.config.maxHistory).flatMap((i) => this.itemIds[i])];
  }

  private lmSample(s: { user: number; history: number[]; target: number }): LmSample {
    return { prompt: this.prompt(s.user, s.history), response: this.itemIds[s.target] };
  }

  // ---- stage 2: teacher-forced training ---------------------------------------------------------------
  async fit(ctx: TrainContext): Promise<TrainReport> {
    const t0 = performance.now();
    const dir = ctx.checkpointDir;
    await this.stageIndex(ctx, dir && join(dir, 'index'));
    this.buildIndex();
    const c = this.config;
    const { split, seed } = this.parts;
    // one sample per prefix of every training sequence (history → next item)
    this.samples = split.train.flatMap((seq, user) => seq.slice(1).map((target, t) => ({ user, history: seq.slice(Math.max(0, t + 1 - c.maxHistory), t + 1), target })));
    if (!this.samples.length) throw new RecError('E_DATA_MISSING', 'tiger: no training prefixes (every training sequence has a single item)', { hint: 'Use sequences of at least 4 items (two are held out).' });
    const n = this.samples.length;
    const stepsPerEpoch = c.stepsPerEpoch > 0 ? c.stepsPerEpoch : Math.ceil(n / c.batchSize);
    const named = this.parts.t5.trainableVariables();
    const vars = Object.values(named);
    let lrScale = 1;
    const optimizer = new AdamW({ learningRate: () => c.learningRate * lrScale, weightDecay: c.weightDecay, clipNorm: c.clipNorm, noDecay: [/layer_norm/, /relative_attention_bias/] });
    const best = new Map<string, tf.Variable>();
    const validIdx = new Rng(`${seed}/valid-users`).permutation(split.valid.length).slice(0, Math.min(c.validUsers, split.valid.length));
    const validCases: EvalCase[] = Array.from(validIdx).sort((a, b) => a - b).map((i) => split.valid[i]);
    const tdir = dir && join(dir, 'train');
    let perm: { epoch: number; order: Int32Array } | undefined;
    const state = () => ({ variables: { ...named, ...Object.fromEntries([...best].map(([k, v]) => [`best/${k}`, v])) }, optimizer });
    try {
      const loop = await runTrainingLoop({
        name: this.name,
        epochs: c.epochs,
        stepsPerEpoch,
        patience: c.patience,
        metric: c.metric,
        checkpointEvery: c.checkpointEvery,
        events: ctx.events,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        save: async (p: LoopProgress) => {
          if (tdir) await saveTrainingState(tdir, state(), JSON.parse(JSON.stringify({ progress: p })) as JsonValue);
        },
        restore: async () => {
          if (!tdir || !ctx.resume || !hasCheckpoint(tdir)) return undefined;
          const ck = await loadCheckpoint(tdir);
          const names = Object.keys(ck.tensors).filter((k) => k.startsWith('best/')).map((k) => k.slice(5));
          tf.dispose(Object.values(ck.tensors));
          for (const k of names) best.set(k, frozenCopy(tf.zeros(named[k].shape), `tiger-best/${k}`));
          const meta = (await restoreTrainingState(tdir, state())) as unknown as { progress: LoopProgress };
          this.parts.t5.markUpdated();
          return meta.progress;
        },
        snapshotBest: () => {
          for (const [k, v] of Object.entries(named)) {
            const old = best.get(k);
            if (old) old.assign(v);
            else best.set(k, frozenCopy(v.clone(), `tiger-best/${k}`));
          }
        },
        restoreBest: () => {
          for (const [k, v] of best) named[k].assign(v);
          this.parts.t5.markUpdated();
        },
        step: async (epoch, s, scale, globalStep) => {
          lrScale = scale;
          if (perm?.epoch !== epoch) perm = { epoch, order: new Rng(`${seed}/epoch/${epoch}`).permutation(n) };
          const from = (s * c.batchSize) % n;
          const batch = Array.from(perm.order.subarray(from, Math.min(n, from + c.batchSize)), (r) => this.lmSample(this.samples[r]));
          const dropoutSeed = new Rng(`${seed}/step/${globalStep}`).tfSeed();
          const { value, grads } = tf.variableGrads(() => {
            const { sum, tokens } = this.parts.t5.responseNllSum(batch, { training: true }, dropoutSeed);
            return tf.div(sum, tokens) as tf.Scalar;
          }, vars);
          optimizer.applyGradients(grads);
          tf.dispose(Object.values(grads));
          this.parts.t5.markUpdated();
          const loss = (await value.data())[0];
          value.dispose();
          return { loss };
        },
        validate: async () => (ctx.validateOn ? ctx.validateOn(this, validCases) : ctx.validate(this)),
      });
      const p = loop.progress;
      const ix = this.parts.indexer;
      return {
        epochs: p.history.length,
        bestEpoch: p.bestEpoch,
        bestValid: p.bestValid,
        seconds: (performance.now() - t0) / 1000,
        ...(loop.resumedFrom ? { resumedFromEpoch: loop.resumedFrom.epoch } : {}),
        history: p.history.map((h) => ({ epoch: h.epoch, loss: h.loss, ...(h.lr !== undefined ? { lr: h.lr * c.learningRate } : {}), ...(h.valid ? { valid: h.valid } : {}), seconds: h.seconds })),
        extra: {
          samples: n,
          stepsPerEpoch,
          validUsers: validCases.length,
          indexStats: ix.stats(this.codes!, this.parts.corpus.items.map((it) => it.categories?.[0])),
          idLength: Math.max(...this.itemIds.map((t) => t.length)),
          parameters: this.parts.t5.parameterCount().total,
        },
      };
    } finally {
      optimizer.dispose();
      for (const v of best.values()) v.dispose();
    }
  }

  // ---- stage 3: ranking by trie-constrained beam search -----------------------------------------------------
  async recommend(cases: readonly EvalCase[], k: number): Promise<ItemRanking[]> {
    if (!this.trie) throw new RecError('E_CONFIG', 'tiger: recommend() before fit()', { hint: 'Train the model first.' });
    const prompts = cases.map((cs) => this.prompt(cs.user, cs.history));
    const hits = await this.parts.t5.constrainedSearch(prompts, this.trie, { beams: Math.max(this.config.beams, k), topK: k, batchSize: this.config.searchBatch });
    return hits.map((h) => ({ items: h.map((x) => x.value), scores: h.map((x) => x.score) }));
  }

  parameterCount(): number {
    return this.parts.t5.parameterCount().total + this.parts.indexer.variables().reduce((a, v) => a + v.size, 0);
  }

  dispose(): void {
    this.parts.indexer.dispose();
    this.parts.t5.dispose();
  }
}
