import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@ed2/core';
import { frozenLinear, matMulExplicit } from '../llama/explicit-matmul';

let varCounter = 0;
/** tfjs variable names are global: suffix a process-wide counter so several models can coexist. */
export function uniqueVarName(name: string): string {
  return `${name}#${++varCounter}`;
}

/** LoRA hyper-parameters for one linear layer. */
export interface LoraSpec {
  rank: number;
  alpha: number;
  dropout: number;
  name: string;
  rng: Rng;
}

/**
 * A frozen linear map y = x·W ([in, out], plain tensor: never trainable) with an optional LoRA adapter
 * y += dropout(x)·A·B·(alpha/rank); A [in, r] ~ N(0, 1/in), B [r, out] = 0, so training starts at the base model.
 */
export class LoraLinear {
  a: tf.Variable<tf.Rank.R2> | undefined;
  b: tf.Variable<tf.Rank.R2> | undefined;
  private scale = 0;
  private dropout = 0;
  private rng: Rng | undefined;

  /** [out, in] copy of the frozen weight for the input gradient (explicit transpose; see explicit-matmul). */
  private weightT: tf.Tensor2D;
  /** The base weight is a trainable variable (full fine-tuning). */
  private trainableBase = false;

  constructor(public weight: tf.Tensor2D) {
    this.weightT = tf.transpose(weight);
  }

  get inDim(): number {
    return this.weight.shape[0];
  }

  get outDim(): number {
    return this.weight.shape[1];
  }

  /** Attach a fresh adapter (replaces any existing one). */
  attach(spec: LoraSpec): void {
    this.detach();
    const a = tf.randomNormal([this.inDim, spec.rank], 0, 1 / Math.sqrt(this.inDim), 'float32', spec.rng.tfSeed());
    this.a = tf.variable(a as tf.Tensor2D, true, uniqueVarName(`${spec.name}.lora_A`));
    a.dispose();
    const zeros = tf.zeros([spec.rank, this.outDim]) as tf.Tensor2D;
    this.b = tf.variable(zeros, true, uniqueVarName(`${spec.name}.lora_B`));
    zeros.dispose();
    this.scale = spec.alpha / spec.rank;
    this.dropout = spec.dropout;
    this.rng = spec.rng;
  }

  detach(): void {
    this.a?.dispose();
    this.b?.dispose();
    this.a = undefined;
    this.b = undefined;
  }

  variables(): tf.Variable[] {
    return this.a && this.b ? [this.a, this.b] : [];
  }

  /** Turns the base weight into a trainable variable (full fine-tuning); returns it. */
  makeTrainable(name: string): tf.Variable {
    if (this.weight instanceof tf.Variable && this.trainableBase) return this.weight;
    const v = tf.variable(this.weight, true, uniqueVarName(name));
    this.weight.dispose();
    this.weightT.dispose();
    this.weight = v as unknown as tf.Tensor2D;
    this.trainableBase = true;
    return v;
  }

  /** x [n, in] → [n, out]. */
  apply(x: tf.Tensor2D, training = false): tf.Tensor2D {
    const y: tf.Tensor2D = this.trainableBase ? (matMulExplicit(x, this.weight) as tf.Tensor2D) : frozenLinear(x, this.weight, this.weightT);
    if (!this.a || !this.b) return y;
    let xin: tf.Tensor2D = x;
    if (training && this.dropout > 0 && this.rng) xin = tf.dropout(x, this.dropout, undefined, this.rng.tfSeed()) as tf.Tensor2D;
    return tf.add(y, tf.mul(matMulExplicit(matMulExplicit(xin, this.a), this.b), this.scale));
  }

  /** Fold the adapter into the weight (W += A·B·scale) and drop it. */
  merge(): void {
    if (!this.a || !this.b) return;
    const merged = tf.tidy(() => tf.add(this.weight, tf.mul(tf.matMul(this.a!, this.b!), this.scale))) as tf.Tensor2D;
    this.weight.dispose();
    this.weightT.dispose();
    this.weight = merged;
    this.weightT = tf.transpose(merged);
    this.detach();
  }

  /** Adapter tensors and scale for saving. */
  adapter(): { a: tf.Tensor2D; b: tf.Tensor2D; scale: number } | undefined {
    return this.a && this.b ? { a: this.a, b: this.b, scale: this.scale } : undefined;
  }

  /** Set adapter values (shapes must match an attached adapter or create one). */
  setAdapter(a: tf.Tensor2D, b: tf.Tensor2D, scale: number, name: string): void {
    // Copy first: `a`/`b` may be this layer's own current adapter, which detach() disposes.
    const na = tf.tidy(() => tf.variable(tf.clone(a), true, uniqueVarName(`${name}.lora_A`)));
    const nb = tf.tidy(() => tf.variable(tf.clone(b), true, uniqueVarName(`${name}.lora_B`)));
    this.detach();
    this.a = na;
    this.b = nb;
    this.scale = scale;
  }

  dispose(): void {
    this.weight.dispose();
    if (!this.trainableBase) this.weightT.dispose();
    this.detach();
  }
}
