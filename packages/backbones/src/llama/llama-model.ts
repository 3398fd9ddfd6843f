import * as tf from '@tensorflow/tfjs-core';
import { RecError, Rng } from '@ed2/core';
import { LlamaConfig, LlamaWeights } from './llama-config';
import { LoraLinear, uniqueVarName } from '../lora/lora-linear';
import { frozenLinear, matMulExplicit } from './explicit-matmul';

/** Per-layer key/value cache: k, v are [batch, nKvHeads, cachedLen, headDim]. */
export interface KvCache {
  layers: { k: tf.Tensor4D; v: tf.Tensor4D }[];
  length: number;
}

/**
 * Decoding state of W beams per prompt over a prompt cache shared by every beam of that prompt (see
 * `LlamaModel.stepShared`). Prompt keys are stored transposed once, so no step copies or transposes them.
 */
export interface SharedPrefixState {
  /** Prompts, beam slots per prompt (R = P·W rows, prompt-major) and padded prompt length. */
  readonly P: number;
  W: number;
  readonly T: number;
  /** Per layer: prompt keys transposed [P, kvHeads, headDim, T] and values [P, kvHeads, T, headDim]. */
  readonly promptKT: tf.Tensor4D[];
  readonly promptV: tf.Tensor4D[];
  /** Additive padding mask [P, 1, 1, T] (0 / -1e9). */
  readonly padAdd: tf.Tensor4D;
  /** Per layer: keys of the generated tokens transposed [R, kvHeads, headDim, L] and values [R, kvHeads, L, headDim]. */
  genKT: tf.Tensor4D[];
  genV: tf.Tensor4D[];
  /** Tokens generated so far (L). */
  genLength: number;
}

/** Hook giving the rows of the added (index) tokens, evaluated inside the caller's gradient tape. */
export type EmbeddingProvider = () => tf.Tensor2D;

interface Block {
  attnNorm: tf.Tensor1D;
  ffnNorm: tf.Tensor1D;
  q: LoraLinear; k: LoraLinear; v: LoraLinear; o: LoraLinear;
  gate: LoraLinear; up: LoraLinear; down: LoraLinear;
}

export interface ForwardOptions {
  /** Cache to extend (incremental decoding); updated in place, old tensors disposed. */
  cache?: KvCache;
  /**
   * 1 = attend, 0 = masked, applied on top of the causal mask. `[batch, cachedLen + seq]`: a key (padding) mask
   * shared by every query; `[batch, seq, cachedLen + seq]`: a full per-query mask (e.g. DARec's context masking,
   * where an item's tokens see only that item). A query row should keep at least one key (its own position).
   */
  attentionMask?: tf.Tensor2D | tf.Tensor3D;
  /** Training mode: LoRA dropout active. */
  training?: boolean;
  /** Rows of the added (index) tokens [nNew, dim], computed in the caller's tape; overrides provider / free rows. */
  rows?: tf.Tensor2D;
  /**
   * Straight-through mixes (forward value 0) added to the one-hot of the added tokens at some positions:
   * `place` [batch·seq, P] puts each of the P `delta` rows [P, nNew] at its position. The embedding gets
   * place·(delta·rows), which equals (place·delta)·rows at a fraction of the cost (P ≪ batch·seq, nNew ≫ dim).
   */
  inputMix?: { readonly place: tf.Tensor2D; readonly delta: tf.Tensor2D };
}

/**
 * LLaMA decoder in plain tfjs ops: RMSNorm, RoPE (internally the 'half' pairing; interleaved checkpoints get
 * their q/k rows permuted at load, which leaves q·k unchanged), grouped-query attention without repeating kv
 * (query heads grouped per kv head), SwiGLU, tied or untied head. Linear weights are stored as [in, out].
 */
export class LlamaModel {
  readonly config: LlamaConfig;
  readonly headDim: number;
  private embed: tf.Tensor2D; // [vocab, dim]
  private headT: tf.Tensor2D; // [dim, vocab]: explicit transpose (transposed matmuls are slow on wasm)
  private headW: tf.Tensor2D; // [vocab, dim] (the embedding when tied), for the head's input gradient
  private finalNorm: tf.Tensor1D;
  /** Every base weight is a trainable variable (full fine-tuning), see `makeFullyTrainable`. */
  private full = false;
  private fullVars: Record<string, tf.Variable> = {};
  readonly blocks: Block[];
  private readonly cos: tf.Tensor2D; // [maxSeq, headDim/2]
  private readonly sin: tf.Tensor2D;
  private readonly maskCache = new Map<string, tf.Tensor2D>();
  /** Trainable rows of added tokens: embedding [nNew, dim] and head [nNew, dim]. */
  newEmbed: tf.Variable<tf.Rank.R2> | undefined;
  newHead: tf.Variable<tf.Rank.R2> | undefined;
  embeddingProvider: EmbeddingProvider | undefined;

  constructor(config: LlamaConfig, weights?: LlamaWeights, rng: Rng = new Rng(0)) {
    this.config = LlamaConfig.parse(config);
    const c = this.config;
    this.headDim = c.dim / c.nHeads;
    const kvDim = c.nKvHeads * this.headDim;
    const get = (name: string, shape: number[]): tf.Tensor => {
      if (!weights) {
        const std = shape.length === 1 ? 0 : 0.02;
        return shape.length === 1 ? tf.ones(shape) : tf.randomNormal(shape, 0, std, 'float32', rng.tfSeed());
      }
      const t = weights.tensors.get(name);
      if (!t) {
        throw new RecError('E_DATA_MISSING', `LLaMA weight '${name}' is missing (expected shape [${shape}])`, {
          hint: 'check that the checkpoint matches the config (layers, tied embeddings)',
        });
      }
      if (t.shape.length !== shape.length || t.shape.some((s, i) => s !== shape[i])) {
        throw new RecError('E_SHAPE', `LLaMA weight '${name}' has shape [${t.shape}], expected [${shape}]`, {
          hint: 'the config (dim, heads, kv heads, hidden, vocab) does not match the checkpoint',
        });
      }
      return tf.tensor(t.data, t.shape, 'float32');
    };
    // [out, in] → [in, out]; optionally permute output rows (interleaved → half RoPE pairing per head).
    const linear = (name: string, out: number, inp: number, ropePerm = false): LoraLinear => {
      const w = get(name, [out, inp]);
      const wt = tf.tidy(() => {
        let m = w as tf.Tensor2D;
        if (ropePerm && c.ropeStyle === 'interleaved') m = tf.gather(m, this.ropePermutation(out / this.headDim));
        return tf.transpose(m);
      });
      w.dispose();
      return new LoraLinear(wt as tf.Tensor2D);
    };
    this.embed = get('model.embed_tokens.weight', [c.vocabSize, c.dim]) as tf.Tensor2D;
    this.blocks = [];
    for (let i = 0; i < c.nLayers; i++) {
      const p = `model.layers.${i}.`;
      this.blocks.push({
        attnNorm: get(`${p}input_layernorm.weight`, [c.dim]) as tf.Tensor1D,
        ffnNorm: get(`${p}post_attention_layernorm.weight`, [c.dim]) as tf.Tensor1D,
        q: linear(`${p}self_attn.q_proj.weight`, c.dim, c.dim, true),
        k: linear(`${p}self_attn.k_proj.weight`, kvDim, c.dim, true),
        v: linear(`${p}self_attn.v_proj.weight`, kvDim, c.dim),
        o: linear(`${p}self_attn.o_proj.weight`, c.dim, c.dim),
        gate: linear(`${p}mlp.gate_proj.weight`, c.hiddenDim, c.dim),
        up: linear(`${p}mlp.up_proj.weight`, c.hiddenDim, c.dim),
        down: linear(`${p}mlp.down_proj.weight`, c.dim, c.hiddenDim),
      });
    }
    this.finalNorm = get('model.norm.weight', [c.dim]) as tf.Tensor1D;
    if (!c.tiedEmbeddings) {
      this.headW = get('lm_head.weight', [c.vocabSize, c.dim]) as tf.Tensor2D;
    } else {
      this.headW = this.embed;
    }
    this.headT = tf.transpose(this.headW) as tf.Tensor2D;
    const half = this.headDim / 2;
    const [cos, sin] = tf.tidy(() => {
      const inv = tf.tensor1d(Array.from({ length: half }, (_, i) => 1 / Math.pow(c.ropeTheta, (2 * i) / this.headDim)));
      const ang = tf.outerProduct(tf.range(0, c.maxSeqLen, 1, 'float32'), inv);
      return [tf.cos(ang), tf.sin(ang)] as tf.Tensor2D[];
    });
    this.cos = cos;
    this.sin = sin;
  }

  /** Rows [0,2,4,..,1,3,5,..] per head: maps the interleaved pairing to the half pairing. */
  private ropePermutation(heads: number): tf.Tensor1D {
    const idx: number[] = [];
    for (let h = 0; h < heads; h++) {
      for (let j = 0; j < this.headDim; j += 2) idx.push(h * this.headDim + j);
      for (let j = 1; j < this.headDim; j += 2) idx.push(h * this.headDim + j);
    }
    return tf.tensor1d(idx, 'int32');
  }

  /** Vocabulary including added tokens. */
  get totalVocab(): number {
    return this.config.vocabSize + (this.newEmbed?.shape[0] ?? 0);
  }

  /** Vocabulary size when the added tokens' rows are `rows` (or the provider's / free rows). */
  totalVocabWith(rows?: tf.Tensor2D): number {
    if (rows) return this.config.vocabSize + rows.shape[0];
    return this.totalVocab;
  }

  /** Add `n` trainable token rows (ids vocabSize .. vocabSize+n-1); returns their ids. */
  extendVocab(n: number, rng: Rng = new Rng(1)): number[] {
    const first = this.totalVocab;
    const d = this.config.dim;
    const grow = (old: tf.Variable<tf.Rank.R2> | undefined, name: string) => {
      const fresh = tf.randomNormal([n, d], 0, 0.02, 'float32', rng.tfSeed());
      const cat = old ? tf.concat([old, fresh]) : tf.clone(fresh);
      const v = tf.variable(cat as tf.Tensor2D, true, uniqueVarName(name));
      fresh.dispose();
      cat.dispose();
      old?.dispose();
      return v;
    };
    this.newEmbed = grow(this.newEmbed, 'new_embed');
    this.newHead = grow(this.newHead, 'new_head');
    return Array.from({ length: n }, (_, i) => first + i);
  }

  /** Trainable variables: LoRA adapters plus added-token rows (plus every base weight after `makeFullyTrainable`). */
  trainableVariables(): tf.Variable[] {
    return Object.values(this.namedTrainableVariables());
  }

  /** The same, by stable logical name (`layers.0.q.lora_A`, `base/model.norm.weight`, …) for checkpoints. */
  namedTrainableVariables(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = { ...this.fullVars };
    this.blocks.forEach((b, i) => {
      for (const t of ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const) {
        const ad = b[t].adapter();
        if (ad && ad.a instanceof tf.Variable && ad.b instanceof tf.Variable) {
          out[`layers.${i}.${t}.lora_A`] = ad.a;
          out[`layers.${i}.${t}.lora_B`] = ad.b;
        }
      }
    });
    if (this.newEmbed && !this.embeddingProvider) out.new_embed = this.newEmbed;
    if (this.newHead && !this.embeddingProvider) out.new_head = this.newHead;
    return out;
  }

  /**
   * Full fine-tuning: every base weight (embedding, norms, linears, untied head) becomes a trainable variable.
   * A randomly initialised backbone needs this: LoRA over frozen random weights cannot learn.
   */
  makeFullyTrainable(): void {
    if (this.full) return;
    const v = (t: tf.Tensor, name: string): tf.Variable => {
      const out = tf.variable(t, true, uniqueVarName(name));
      t.dispose();
      this.fullVars[`base/${name}`] = out;
      return out;
    };
    const tied = this.headW === this.embed;
    this.embed = v(this.embed, 'model.embed_tokens.weight') as unknown as tf.Tensor2D;
    if (tied) this.headW = this.embed;
    else this.headW = v(this.headW, 'lm_head.weight') as unknown as tf.Tensor2D;
    this.headT.dispose();
    this.finalNorm = v(this.finalNorm, 'model.norm.weight') as unknown as tf.Tensor1D;
    this.blocks.forEach((b, i) => {
      b.attnNorm = v(b.attnNorm, `model.layers.${i}.input_layernorm.weight`) as unknown as tf.Tensor1D;
      b.ffnNorm = v(b.ffnNorm, `model.layers.${i}.post_attention_layernorm.weight`) as unknown as tf.Tensor1D;
      for (const t of ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const) this.fullVars[`base/model.layers.${i}.${t}`] = b[t].makeTrainable(`model.layers.${i}.${t}`);
    });
    this.full = true;
  }

  get fullyTrainable(): boolean {
    return this.full;
  }

  /** Scalars in the model (base weights, adapters, added rows). */
  parameterCount(): { total: number; trainable: number } {
    let total = this.embed.size + this.finalNorm.size + (this.headW === this.embed ? 0 : this.headW.size);
    for (const b of this.blocks) {
      total += b.attnNorm.size + b.ffnNorm.size;
      for (const l of [b.q, b.k, b.v, b.o, b.gate, b.up, b.down]) total += l.weight.size + l.variables().reduce((s, x) => s + x.size, 0);
    }
    total += (this.newEmbed?.size ?? 0) + (this.newHead?.size ?? 0);
    const trainable = this.trainableVariables().reduce((s, x) => s + x.size, 0);
    return { total, trainable };
  }

  /** Rows of the added tokens for this pass: explicit rows, else the provider, else the free variable. */
  private addedRows(opts: ForwardOptions): tf.Tensor2D | undefined {
    return opts.rows ?? (this.embeddingProvider ? this.embeddingProvider() : this.newEmbed);
  }

  private embedIds(ids: tf.Tensor2D, opts: ForwardOptions = {}): tf.Tensor3D {
    const [b, t] = ids.shape;
    const V = this.config.vocabSize;
    const flat = tf.reshape(ids, [-1]) as tf.Tensor1D;
    let x = tf.gather(this.embed, tf.minimum(flat, tf.scalar(V - 1, 'int32'))) as tf.Tensor2D; // frozen table: no gradient needed
    const extra = this.addedRows(opts);
    if (extra) {
      const isNew = tf.greaterEqual(flat, tf.scalar(V, 'int32'));
      // dense oneHot·matMul: a cheap gradient on every backend (cpu gather grad is slow, wasm has none)
      const oh = tf.cast(tf.oneHot(tf.sub(flat, tf.scalar(V, 'int32')), extra.shape[0]), 'float32') as tf.Tensor2D;
      let added = matMulExplicit(oh, extra);
      if (opts.inputMix) added = tf.add(added, matMulExplicit(opts.inputMix.place, matMulExplicit(opts.inputMix.delta, extra))) as tf.Tensor2D;
      x = tf.add(tf.mul(x, tf.expandDims(tf.cast(tf.logicalNot(isNew), 'float32'), 1)), added);
    }
    return tf.reshape(x, [b, t, this.config.dim]);
  }

  private rmsNorm(x: tf.Tensor, w: tf.Tensor1D): tf.Tensor {
    const ms = tf.mean(tf.square(x), -1, true);
    return tf.mul(tf.mul(x, tf.rsqrt(tf.add(ms, this.config.normEps))), w);
  }

  private rope(x: tf.Tensor4D, start: number): tf.Tensor4D {
    // x: [b, heads, t, hd]
    const t = x.shape[2];
    const half = this.headDim / 2;
    const cos = tf.slice(this.cos, [start, 0], [t, half]);
    const sin = tf.slice(this.sin, [start, 0], [t, half]);
    const [x1, x2] = tf.split(x, 2, 3);
    return tf.concat([tf.sub(tf.mul(x1, cos), tf.mul(x2, sin)), tf.add(tf.mul(x1, sin), tf.mul(x2, cos))], 3) as tf.Tensor4D;
  }

  /** Additive causal mask [t, start+t] (0 / -1e9), cached per shape. */
  private causalMask(t: number, start: number): tf.Tensor2D {
    const key = `${t}:${start}`;
    let m = this.maskCache.get(key);
    if (!m) {
      const data = new Float32Array(t * (start + t));
      for (let i = 0; i < t; i++) for (let j = start + i + 1; j < start + t; j++) data[i * (start + t) + j] = -1e9;
      m = tf.keep(tf.tensor2d(data, [t, start + t]));
      if (this.maskCache.size > 64) {
        const [k0, v0] = this.maskCache.entries().next().value as [string, tf.Tensor2D];
        v0.dispose();
        this.maskCache.delete(k0);
      }
      this.maskCache.set(key, m);
    }
    return m;
  }

  /** ids [batch, seq] → last hidden state [batch, seq, dim] (after the final norm). */
  hidden(ids: tf.Tensor2D, opts: ForwardOptions = {}): tf.Tensor3D {
    const c = this.config;
    const [b, t] = ids.shape;
    const hd = this.headDim;
    const g = c.nHeads / c.nKvHeads;
    const start = opts.cache?.length ?? 0;
    const training = opts.training ?? false;
    const newLayers: { k: tf.Tensor4D; v: tf.Tensor4D }[] = [];
    const out = tf.tidy(() => {
      let mask: tf.Tensor = this.causalMask(t, start);
      if (opts.attentionMask) {
        const m = opts.attentionMask;
        if (m.shape[0] !== b || m.shape[m.rank - 1] !== start + t || (m.rank === 3 && m.shape[1] !== t)) {
          throw new RecError('E_SHAPE', `attentionMask has shape [${m.shape}], expected [${b}, ${start + t}] or [${b}, ${t}, ${start + t}]`, { hint: 'Give one row per sample (and per query for a full mask) covering the cached and the new positions.' });
        }
        const pad = tf.reshape(tf.mul(tf.sub(1, tf.cast(m, 'float32')), -1e9), [b, 1, 1, m.rank === 3 ? t : 1, start + t]);
        mask = tf.add(mask, pad);
      }
      let x: tf.Tensor = this.embedIds(ids, opts);
      this.blocks.forEach((blk, li) => {
        const h = tf.reshape(this.rmsNorm(x, blk.attnNorm), [b * t, c.dim]) as tf.Tensor2D;
        const q = tf.transpose(tf.reshape(blk.q.apply(h, training), [b, t, c.nKvHeads, g, hd]), [0, 2, 3, 1, 4]);
        let k = this.rope(tf.transpose(tf.reshape(blk.k.apply(h, training), [b, t, c.nKvHeads, hd]), [0, 2, 1, 3]) as tf.Tensor4D, start);
        let v = tf.transpose(tf.reshape(blk.v.apply(h, training), [b, t, c.nKvHeads, hd]), [0, 2, 1, 3]) as tf.Tensor4D;
        const qr = tf.reshape(this.rope(tf.reshape(q, [b, c.nKvHeads * g, t, hd]) as tf.Tensor4D, start), [b, c.nKvHeads, g * t, hd]);
        if (opts.cache) {
          const prev = opts.cache.layers[li];
          if (prev) {
            k = tf.concat([prev.k, k], 2);
            v = tf.concat([prev.v, v], 2);
          }
          newLayers.push({ k: tf.keep(k), v: tf.keep(v) });
        }
        const s = start + t;
        let att = tf.reshape(tf.mul(matMulExplicit(qr, tf.transpose(k, [0, 1, 3, 2])), 1 / Math.sqrt(hd)), [b, c.nKvHeads, g, t, s]);
        att = tf.softmax(tf.add(att, mask));
        const ctx5 = tf.reshape(matMulExplicit(tf.reshape(att, [b, c.nKvHeads, g * t, s]), v), [b, c.nKvHeads, g, t, hd]);
        const ctx = tf.reshape(tf.transpose(ctx5, [0, 3, 1, 2, 4]), [b * t, c.dim]) as tf.Tensor2D;
        x = tf.add(x, tf.reshape(blk.o.apply(ctx, training), [b, t, c.dim]));
        const h2 = tf.reshape(this.rmsNorm(x, blk.ffnNorm), [b * t, c.dim]) as tf.Tensor2D;
        const gt = blk.gate.apply(h2, training);
        const ff = tf.mul(tf.mul(gt, tf.sigmoid(gt)), blk.up.apply(h2, training));
        x = tf.add(x, tf.reshape(blk.down.apply(ff as tf.Tensor2D, training), [b, t, c.dim]));
      });
      return this.rmsNorm(x, this.finalNorm) as tf.Tensor3D;
    });
    if (opts.cache) {
      opts.cache.layers.forEach((l) => { l.k.dispose(); l.v.dispose(); });
      opts.cache.layers = newLayers;
      opts.cache.length = start + t;
    }
    return out;
  }

  /**
   * Hidden [n, dim] → logits [n, totalVocab]. The added tokens' head rows are the same rows as their input
   * embedding when they come from `rows` or a provider (so the loss reaches whatever computes them), else the
   * free `newHead` variable.
   */
  head(h: tf.Tensor2D, rows?: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      let logits: tf.Tensor2D = this.full ? (matMulExplicit(h, tf.transpose(this.headW)) as tf.Tensor2D) : frozenLinear(h, this.headT, this.headW);
      const extra = rows ?? (this.embeddingProvider ? this.embeddingProvider() : this.newHead);
      if (extra) logits = tf.concat([logits, matMulExplicit(h, tf.transpose(extra))], 1) as tf.Tensor2D;
      return logits;
    });
  }

  /** ids [batch, seq] → logits [batch, seq, totalVocab]. */
  forward(ids: tf.Tensor2D, opts: ForwardOptions = {}): tf.Tensor3D {
    const h = this.hidden(ids, opts);
    const [b, t, d] = h.shape;
    const out = tf.tidy(() => tf.reshape(this.head(tf.reshape(h, [b * t, d]), opts.rows), [b, t, -1]) as tf.Tensor3D);
    h.dispose();
    return out;
  }

  /**
   * One decoding step for R = P·W beams (prompt-major: row p·W + j is beam j of prompt p), each attending to its
   * prompt's shared cache and to its own generated tokens: attention scores are q·K over [prompt ++ generated]
   * with one softmax, exactly as with a per-beam cache, but the prompt part is a batched matmul of the W·g query
   * rows of a prompt against that prompt's keys, so the prompt cache is never copied per beam. Appends the new
   * tokens' keys/values to `s.genKT/genV` (old tensors disposed) and returns the last hidden state [R, dim].
   */
  stepShared(tokens: readonly number[], s: SharedPrefixState, rows?: tf.Tensor2D): tf.Tensor2D {
    const c = this.config;
    const hd = this.headDim;
    const kvH = c.nKvHeads;
    const g = c.nHeads / kvH;
    const { P, W, T } = s;
    const R = P * W;
    if (tokens.length !== R) throw new RecError('E_INTERNAL', `stepShared: ${tokens.length} tokens for ${P}×${W} beam slots`);
    const L = s.genLength + 1;
    const pos = T + s.genLength;
    if (pos >= c.maxSeqLen) throw new RecError('E_CONFIG', `decoding: position ${pos} exceeds the model's context (${c.maxSeqLen})`, { hint: 'Shorten the history (maxHistory) or use a model with a longer context.' });
    const newKT: tf.Tensor4D[] = [];
    const newV: tf.Tensor4D[] = [];
    const scale = 1 / Math.sqrt(hd);
    const toPromptMajor = (x: tf.Tensor, last: number): tf.Tensor4D => tf.reshape(tf.transpose(tf.reshape(x, [P, W, kvH, g, last]), [0, 2, 1, 3, 4]), [P, kvH, W * g, last]);
    const toBeamMajor = (x: tf.Tensor, last: number): tf.Tensor3D => tf.reshape(tf.transpose(tf.reshape(x, [P, kvH, W, g, last]), [0, 2, 1, 3, 4]), [R * kvH, g, last]);
    const out = tf.tidy(() => {
      let x = tf.reshape(this.embedIds(tf.tensor2d([...tokens], [R, 1], 'int32'), rows ? { rows } : {}), [R, c.dim]) as tf.Tensor2D;
      this.blocks.forEach((blk, li) => {
        const h = this.rmsNorm(x, blk.attnNorm) as tf.Tensor2D;
        const q = this.rope(tf.reshape(blk.q.apply(h, false), [R, c.nHeads, 1, hd]), pos); // heads ordered (kvH, g)
        const k = this.rope(tf.reshape(blk.k.apply(h, false), [R, kvH, 1, hd]), pos);
        const v = tf.reshape(blk.v.apply(h, false), [R, kvH, 1, hd]) as tf.Tensor4D;
        const kT = tf.reshape(k, [R, kvH, hd, 1]) as tf.Tensor4D; // a length-1 axis: reshape is the transpose
        const gk = L > 1 ? (tf.concat([s.genKT[li], kT], 3) as tf.Tensor4D) : kT;
        const gv = L > 1 ? (tf.concat([s.genV[li], v], 2) as tf.Tensor4D) : v;
        newKT.push(tf.keep(gk));
        newV.push(tf.keep(gv));
        const sp = toBeamMajor(tf.add(tf.mul(tf.matMul(toPromptMajor(q, hd), s.promptKT[li]), scale), s.padAdd), T); // [R·kvH, g, T]
        const sg = tf.mul(tf.matMul(tf.reshape(q, [R * kvH, g, hd]), tf.reshape(gk, [R * kvH, hd, L])), scale); // [R·kvH, g, L]
        const [ap, ag] = tf.split(tf.softmax(tf.concat([sp, sg], 2)), [T, L], 2);
        const ctxP = toBeamMajor(tf.matMul(toPromptMajor(ap, T), s.promptV[li]), hd);
        const ctx = tf.reshape(tf.add(ctxP, tf.matMul(ag, tf.reshape(gv, [R * kvH, L, hd]))), [R, c.dim]) as tf.Tensor2D;
        x = tf.add(x, blk.o.apply(ctx, false));
        const h2 = this.rmsNorm(x, blk.ffnNorm) as tf.Tensor2D;
        const gt = blk.gate.apply(h2, false);
        x = tf.add(x, blk.down.apply(tf.mul(tf.mul(gt, tf.sigmoid(gt)), blk.up.apply(h2, false)) as tf.Tensor2D, false));
      });
      return this.rmsNorm(x, this.finalNorm) as tf.Tensor2D;
    });
    s.genKT.forEach((t) => t.dispose());
    s.genV.forEach((t) => t.dispose());
    s.genKT = newKT;
    s.genV = newV;
    s.genLength = L;
    return out;
  }

  newCache(): KvCache {
    return { layers: [], length: 0 };
  }

  /** Keep cache rows by index (beam reordering); old tensors disposed. */
  static reorderCache(cache: KvCache, rows: number[]): void {
    const idx = tf.tensor1d(rows, 'int32');
    cache.layers = cache.layers.map((l) => {
      const n = { k: tf.gather(l.k, idx) as tf.Tensor4D, v: tf.gather(l.v, idx) as tf.Tensor4D };
      l.k.dispose();
      l.v.dispose();
      return n;
    });
    idx.dispose();
  }

  dispose(): void {
    this.embed.dispose();
    if (!this.full) this.headT.dispose();
    if (this.headW !== this.embed) this.headW.dispose();
    this.finalNorm.dispose();
    this.cos.dispose();
    this.sin.dispose();
    for (const b of this.blocks) {
      b.attnNorm.dispose();
      b.ffnNorm.dispose();
      for (const l of [b.q, b.k, b.v, b.o, b.gate, b.up, b.down]) l.dispose();
    }
    this.maskCache.forEach((m) => m.dispose());
    this.newEmbed?.dispose();
    this.newHead?.dispose();
  }
}
