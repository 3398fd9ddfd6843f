import * as tf from '@tensorflow/tfjs-core';
import { RecError, type Rng } from '@ed2/core';
import { uniqueVarName } from '../lora/lora-linear';
import { matMulExplicit } from '../llama/explicit-matmul';
import { t5Config, type T5Config, type T5ConfigInput } from './t5-config';
import { relativeBucketMatrix } from './relative-position-bucket';

/** Weights by Hugging Face name, linears in HF's [out, in] layout (as a T5 safetensors file holds them). */
export type T5Weights = ReadonlyMap<string, { readonly data: Float32Array; readonly shape: readonly number[] }>;

/**
 * Decoder state for incremental decoding: per decoder layer the self-attention keys/values
 * [batch, heads, length, dKv] and the cross-attention keys/values of the encoder output [batch, heads, src, dKv],
 * plus the encoder padding bias [batch, 1, 1, src].
 */
export interface T5Cache {
  self: { k: tf.Tensor4D; v: tf.Tensor4D }[];
  cross: { k: tf.Tensor4D; v: tf.Tensor4D }[];
  encBias: tf.Tensor4D;
  length: number;
}

export interface T5PassOptions {
  /** Dropout on (training only). */
  readonly training?: boolean;
  /** Seed of this pass's dropout masks. */
  readonly seed?: number;
}


/**
 * T5-style encoder–decoder in plain tfjs ops (layout and names as Hugging Face `T5ForConditionalGeneration`, see
 * `t5Config`). Linear weights are held as [in, out] variables under their HF names; every product goes through
 * `matMulExplicit` (transposed matmuls are slow on wasm). Position information is T5's relative-position bias
 * only (no absolute positions): bidirectional buckets in the encoder, causal ones in the decoder's
 * self-attention, none in cross-attention. Shapes: ids [batch, seq] int32 → hidden [batch, seq, dModel].
 */
export class T5Model {
  readonly config: T5Config;
  /** Every weight, trainable, by HF name (linears transposed to [in, out]). */
  readonly variables: Record<string, tf.Variable> = {};
  private readonly bucketCache = new Map<string, tf.Tensor2D>();

  constructor(config: T5ConfigInput, rng: Rng, weights?: T5Weights) {
    const c = (this.config = t5Config.parse(config));
    const inner = c.nHeads * c.dKv;
    const add = (name: string, shape: number[], std: number, linear = false) => {
      let t: tf.Tensor;
      const w = weights?.get(name);
      if (weights) {
        const want = linear ? [shape[1], shape[0]] : shape;
        if (!w) throw new RecError('E_DATA_MISSING', `T5 weight '${name}' is missing (expected shape [${want}])`, { hint: 'Check that the checkpoint matches the config (layers, widths, vocabulary).' });
        if (w.shape.length !== want.length || w.shape.some((s, i) => s !== want[i])) throw new RecError('E_SHAPE', `T5 weight '${name}' has shape [${w.shape}], expected [${want}]`, { hint: 'The config (dModel, heads, dKv, dFf, vocabulary) does not match the checkpoint.' });
        t = tf.tidy(() => (linear ? tf.transpose(tf.tensor2d(w.data, [want[0], want[1]])) : tf.tensor(w.data, want)));
      } else {
        t = std === 0 ? tf.ones(shape) : tf.randomNormal(shape, 0, std, 'float32', rng.tfSeed());
      }
      this.variables[name] = tf.variable(t, true, uniqueVarName(`t5/${name}`));
      t.dispose();
    };
    // Hugging Face T5 initialisation (factor 1), except the untied head: N(0, d^-1/2) rather than N(0, 1), so
    // the first logits have unit scale and AdamW needs no warm-up for them.
    add('shared.weight', [c.vocabSize, c.dModel], 1);
    const attention = (p: string, bias: boolean) => {
      add(`${p}.q.weight`, [c.dModel, inner], (c.dModel * c.dKv) ** -0.5, true);
      add(`${p}.k.weight`, [c.dModel, inner], c.dModel ** -0.5, true);
      add(`${p}.v.weight`, [c.dModel, inner], c.dModel ** -0.5, true);
      add(`${p}.o.weight`, [inner, c.dModel], inner ** -0.5, true);
      if (bias) add(`${p}.relative_attention_bias.weight`, [c.relativeBuckets, c.nHeads], c.dModel ** -0.5);
    };
    const ff = (p: string) => {
      add(`${p}.DenseReluDense.wi.weight`, [c.dModel, c.dFf], c.dModel ** -0.5, true);
      add(`${p}.DenseReluDense.wo.weight`, [c.dFf, c.dModel], c.dFf ** -0.5, true);
      add(`${p}.layer_norm.weight`, [c.dModel], 0);
    };
    for (let i = 0; i < c.encoderLayers; i++) {
      const p = `encoder.block.${i}.layer`;
      attention(`${p}.0.SelfAttention`, i === 0);
      add(`${p}.0.layer_norm.weight`, [c.dModel], 0);
      ff(`${p}.1`);
    }
    add('encoder.final_layer_norm.weight', [c.dModel], 0);
    for (let i = 0; i < c.decoderLayers; i++) {
      const p = `decoder.block.${i}.layer`;
      attention(`${p}.0.SelfAttention`, i === 0);
      add(`${p}.0.layer_norm.weight`, [c.dModel], 0);
      attention(`${p}.1.EncDecAttention`, false);
      add(`${p}.1.layer_norm.weight`, [c.dModel], 0);
      ff(`${p}.2`);
    }
    add('decoder.final_layer_norm.weight', [c.dModel], 0);
    add('lm_head.weight', [c.dModel, c.vocabSize], c.dModel ** -0.5, true);
  }

  private v(name: string): tf.Variable {
    return this.variables[name];
  }

  private norm(x: tf.Tensor, name: string): tf.Tensor {
    return tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), this.config.normEps))), this.v(name));
  }

  /** x [b, t, in] · W [in, out] → [b, t, out]. */
  private lin(x: tf.Tensor, name: string): tf.Tensor {
    const [b, t] = x.shape;
    const w = this.v(name);
    return tf.reshape(matMulExplicit(tf.reshape(x, [b * t, -1]), w), [b, t, w.shape[1]!]);
  }

  /** [b, t, h·dKv] → [b, h, t, dKv] */
  private heads(x: tf.Tensor): tf.Tensor4D {
    const [b, t] = x.shape;
    return tf.transpose(tf.reshape(x, [b, t, this.config.nHeads, this.config.dKv]), [0, 2, 1, 3]);
  }

  /** Position bias [1, heads, queries, keys] for queries at `start`.. (a tensor made in the caller's tidy). */
  private positionBias(table: string, queries: number, keys: number, start: number, bidirectional: boolean): tf.Tensor4D {
    const c = this.config;
    const key = `${queries}:${keys}:${start}:${bidirectional}`;
    let oh = this.bucketCache.get(key);
    if (!oh) {
      const ids = relativeBucketMatrix(queries, keys, start, bidirectional, c.relativeBuckets, c.relativeMaxDistance);
      oh = tf.keep(tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(ids, 'int32'), c.relativeBuckets), 'float32') as tf.Tensor2D));
      if (this.bucketCache.size >= 64) {
        const [k0, v0] = this.bucketCache.entries().next().value as [string, tf.Tensor2D];
        v0.dispose();
        this.bucketCache.delete(k0);
      }
      this.bucketCache.set(key, oh);
    }
    // one-hot · table rather than gather: a cheap gradient on every backend
    return tf.reshape(tf.transpose(matMulExplicit(oh, this.v(table))), [1, c.nHeads, queries, keys]);
  }

  /** Attention of q [b, h, tq, dKv] over k, v [b, h, tk, dKv] with an additive bias, → [b, tq, h·dKv]; no 1/√d scaling (T5). */
  private attend(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, bias: tf.Tensor, drop: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
    const [b, h, tq, d] = q.shape;
    const probs = drop(tf.softmax(tf.add(matMulExplicit(q, tf.transpose(k, [0, 1, 3, 2])), bias)));
    return tf.reshape(tf.transpose(matMulExplicit(probs, v), [0, 2, 1, 3]), [b, tq, h * d]);
  }

  private dropper(o: T5PassOptions): (x: tf.Tensor) => tf.Tensor {
    const rate = this.config.dropout;
    if (!o.training || rate === 0) return (x) => x;
    if (o.seed === undefined) throw new RecError('E_CONFIG', 'T5: a training pass needs a dropout seed', { hint: 'Pass { training: true, seed } (seeded randomness only).' });
    let k = 0;
    const seed = o.seed;
    return (x) => tf.dropout(x, rate, undefined, seed + 7919 * k++);
  }

  private ffBlock(x: tf.Tensor, p: string, drop: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
    const h = this.norm(x, `${p}.layer_norm.weight`);
    return tf.add(x, drop(this.lin(drop(tf.relu(this.lin(h, `${p}.DenseReluDense.wi.weight`))), `${p}.DenseReluDense.wo.weight`)));
  }

  /** Encoder: ids [b, s] int32 and mask [b, s] (1 = token, 0 = padding) → [b, s, dModel]. */
  encode(ids: tf.Tensor2D, mask: tf.Tensor2D, o: T5PassOptions = {}): tf.Tensor3D {
    return tf.tidy(() => {
      const c = this.config;
      const s = ids.shape[1];
      const drop = this.dropper(o);
      let x: tf.Tensor = drop(tf.gather(this.v('shared.weight'), ids));
      const bias = tf.add(this.positionBias('encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight', s, s, 0, true), this.padBias(mask));
      for (let i = 0; i < c.encoderLayers; i++) {
        const p = `encoder.block.${i}.layer.0`;
        const h = this.norm(x, `${p}.layer_norm.weight`);
        const att = this.attend(this.heads(this.lin(h, `${p}.SelfAttention.q.weight`)), this.heads(this.lin(h, `${p}.SelfAttention.k.weight`)), this.heads(this.lin(h, `${p}.SelfAttention.v.weight`)), bias, drop);
        x = tf.add(x, drop(this.lin(att, `${p}.SelfAttention.o.weight`)));
        x = this.ffBlock(x, `encoder.block.${i}.layer.1`, drop);
      }
      return drop(this.norm(x, 'encoder.final_layer_norm.weight')) as tf.Tensor3D;
    });
  }

  /** Additive padding bias [b, 1, 1, s] (0 / −1e9). */
  private padBias(mask: tf.Tensor2D): tf.Tensor4D {
    const [b, s] = mask.shape;
    return tf.reshape(tf.mul(tf.sub(1, tf.cast(mask, 'float32')), -1e9), [b, 1, 1, s]);
  }

  /** Cross-attention keys/values of layer i over the encoder output. */
  private crossKv(enc: tf.Tensor3D, i: number): { k: tf.Tensor4D; v: tf.Tensor4D } {
    const p = `decoder.block.${i}.layer.1.EncDecAttention`;
    return { k: this.heads(this.lin(enc, `${p}.k.weight`)), v: this.heads(this.lin(enc, `${p}.v.weight`)) };
  }

  /**
   * Decoder over a whole target prefix (teacher forcing): dec [b, t] int32 with the encoder output
   * [b, s, dModel] and its mask [b, s] → last hidden state [b, t, dModel] (after the final norm).
   */
  decode(dec: tf.Tensor2D, enc: tf.Tensor3D, encMask: tf.Tensor2D, o: T5PassOptions = {}): tf.Tensor3D {
    return tf.tidy(() => {
      const t = dec.shape[1];
      const causal = tf.tensor2d(Array.from({ length: t * t }, (_, n) => (n % t > Math.floor(n / t) ? -1e9 : 0)), [t, t]);
      const selfBias = tf.add(this.positionBias('decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight', t, t, 0, false), causal);
      const cross = Array.from({ length: this.config.decoderLayers }, (_, i) => this.crossKv(enc, i));
      return this.decoderStack(dec, selfBias, cross, this.padBias(encMask), undefined, o);
    });
  }

  private decoderStack(dec: tf.Tensor2D, selfBias: tf.Tensor, cross: readonly { k: tf.Tensor4D; v: tf.Tensor4D }[], encBias: tf.Tensor, cache: T5Cache | undefined, o: T5PassOptions): tf.Tensor3D {
    const drop = this.dropper(o);
    let x: tf.Tensor = drop(tf.gather(this.v('shared.weight'), dec));
    for (let i = 0; i < this.config.decoderLayers; i++) {
      const p = `decoder.block.${i}.layer`;
      const h = this.norm(x, `${p}.0.layer_norm.weight`);
      let k = this.heads(this.lin(h, `${p}.0.SelfAttention.k.weight`));
      let v = this.heads(this.lin(h, `${p}.0.SelfAttention.v.weight`));
      if (cache) {
        const prev = cache.self[i];
        if (prev) {
          k = tf.concat([prev.k, k], 2);
          v = tf.concat([prev.v, v], 2);
        }
        cache.self[i] = { k: tf.keep(k), v: tf.keep(v) };
        if (prev) tf.dispose([prev.k, prev.v]);
      }
      const sa = this.attend(this.heads(this.lin(h, `${p}.0.SelfAttention.q.weight`)), k, v, selfBias, drop);
      x = tf.add(x, drop(this.lin(sa, `${p}.0.SelfAttention.o.weight`)));
      const h2 = this.norm(x, `${p}.1.layer_norm.weight`);
      const ca = this.attend(this.heads(this.lin(h2, `${p}.1.EncDecAttention.q.weight`)), cross[i].k, cross[i].v, encBias, drop);
      x = tf.add(x, drop(this.lin(ca, `${p}.1.EncDecAttention.o.weight`)));
      x = this.ffBlock(x, `${p}.2`, drop);
    }
    return drop(this.norm(x, 'decoder.final_layer_norm.weight')) as tf.Tensor3D;
  }

  /** Hidden [n, dModel] → logits [n, vocabSize]. */
  logits(h: tf.Tensor2D): tf.Tensor2D {
    return matMulExplicit(h, this.v('lm_head.weight')) as tf.Tensor2D;
  }

  /** A decoding state over an encoder output [b, s, dModel] and its mask [b, s] (cross keys/values computed once). */
  startCache(enc: tf.Tensor3D, encMask: tf.Tensor2D): T5Cache {
    const cross = tf.tidy(() => Array.from({ length: this.config.decoderLayers }, (_, i) => this.crossKv(enc, i)));
    return { self: [], cross, encBias: tf.tidy(() => this.padBias(encMask)), length: 0 };
  }

  /** One step (eval mode): tokens [b] (one per row) → hidden [b, dModel]; the cache grows by one position. */
  step(tokens: readonly number[], cache: T5Cache): tf.Tensor2D {
    const out = tf.tidy(() => {
      const pos = cache.length;
      const bias = this.positionBias('decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight', 1, pos + 1, pos, false);
      const h = this.decoderStack(tf.tensor2d([...tokens], [tokens.length, 1], 'int32'), bias, cache.cross, cache.encBias, cache, {});
      return tf.reshape(h, [tokens.length, this.config.dModel]) as tf.Tensor2D;
    });
    cache.length++;
    return out;
  }

  /** Keeps cache rows by index (beam reordering: new row r = old row rows[r]); old tensors disposed. */
  static reorderCache(cache: T5Cache, rows: readonly number[]): void {
    const idx = tf.tensor1d([...rows], 'int32');
    const g = <T extends tf.Tensor>(x: T): T => {
      const y = tf.gather(x, idx) as T;
      x.dispose();
      return y;
    };
    cache.self = cache.self.map((l) => ({ k: g(l.k), v: g(l.v) }));
    cache.cross = cache.cross.map((l) => ({ k: g(l.k), v: g(l.v) }));
    cache.encBias = g(cache.encBias);
    idx.dispose();
  }

  static disposeCache(cache: T5Cache): void {
    tf.dispose([...cache.self.flatMap((l) => [l.k, l.v]), ...cache.cross.flatMap((l) => [l.k, l.v]), cache.encBias]);
    cache.self = [];
    cache.cross = [];
  }

  parameterCount(): number {
    return Object.values(this.variables).reduce((s, v) => s + v.size, 0);
  }

  dispose(): void {
    tf.dispose(Object.values(this.variables));
    this.bucketCache.forEach((t) => t.dispose());
    this.bucketCache.clear();
  }
}
