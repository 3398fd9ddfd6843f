import * as tf from '@tensorflow/tfjs-core';
/** tfjs's NamedTensor (not re-exported from the package root). */
type NamedTensor = { name: string; tensor: tf.Tensor };
import { RecError } from '../errors/rec-error';

/** Learning rate as a function of the 1-based step number (see `warmupSchedule`). */
export type LearningRateSchedule = (step: number) => number;

export interface AdamWOptions {
  /** Constant learning rate or a schedule `step → lr` (step counts from 1). */
  readonly learningRate: number | LearningRateSchedule;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
  /** Decoupled weight decay λ: θ ← θ − lr·λ·θ each step (0 = plain Adam). */
  readonly weightDecay?: number;
  /**
   * Variables that get no weight decay: a predicate on the variable name, or a list of names
   * (exact names, or RegExps matched against the name), e.g. biases, norms, embeddings.
   */
  readonly noDecay?: ((name: string) => boolean) | readonly (string | RegExp)[];
  /** Clip gradients to this global L2 norm (over all gradients of the step) before the update. */
  readonly clipNorm?: number;
  /** Per-variable learning-rate multiplier by variable name (e.g. a slower indexer inside joint training); default 1. */
  readonly lrMultiplier?: (name: string) => number;
}

/** Optimizer state for checkpoints: step counter and first/second moments keyed by variable name. */
export interface AdamWState {
  readonly step: number;
  readonly m: Readonly<Record<string, tf.Tensor>>;
  readonly v: Readonly<Record<string, tf.Tensor>>;
}

interface Slot {
  readonly m: tf.Variable;
  readonly v: tf.Variable;
}

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter, "Decoupled Weight Decay Regularization"):
 *   m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,
 *   θ ← θ − lr·( m̂ / (√v̂ + ε) + λ·θ ),  m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ).
 * Hand-written because tfjs has no AdamW. Extends `tf.Optimizer`, so `minimize(f, returnCost, varList)`
 * and `applyGradients(grads)` work as with the built-in optimizers. Bias corrections and the learning
 * rate are host numbers computed per step, so a step performs no device→host reads.
 */
export class AdamW extends tf.Optimizer {
  static readonly className = 'AdamW';

  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  readonly clipNorm: number | undefined;
  private readonly lrMultiplier: ((name: string) => number) | undefined;
  private readonly lr: number | LearningRateSchedule;
  private readonly excluded: (name: string) => boolean;
  private readonly slots = new Map<string, Slot>();
  private stepCount = 0;

  constructor(options: AdamWOptions) {
    super();
    const { beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, weightDecay = 0.01, clipNorm } = options;
    const bad = (what: string, v: unknown) =>
      new RecError('E_CONFIG', `AdamW: ${what} is invalid (got ${String(v)})`, { hint: 'Use 0 ≤ beta < 1, epsilon > 0, weightDecay ≥ 0, clipNorm > 0.' });
    if (!(beta1 >= 0 && beta1 < 1)) throw bad('beta1', beta1);
    if (!(beta2 >= 0 && beta2 < 1)) throw bad('beta2', beta2);
    if (!(epsilon > 0)) throw bad('epsilon', epsilon);
    if (!(weightDecay >= 0)) throw bad('weightDecay', weightDecay);
    if (clipNorm !== undefined && !(clipNorm > 0)) throw bad('clipNorm', clipNorm);
    if (typeof options.learningRate === 'number' && !(options.learningRate >= 0)) throw bad('learningRate', options.learningRate);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
    this.clipNorm = clipNorm;
    this.lrMultiplier = options.lrMultiplier;
    this.lr = options.learningRate;
    this.excluded = toPredicate(options.noDecay);
  }

  /** Learning rate used by update number `step` (1-based; default: the next update). */
  learningRateAt(step = this.stepCount + 1): number {
    return typeof this.lr === 'number' ? this.lr : this.lr(step);
  }

  /**
   * One training step: gradients of `loss` w.r.t. `varList` (default: all trainable variables),
   * then the update. Returns the loss (caller disposes; read it with `await loss.data()` when needed).
   */
  step(loss: () => tf.Scalar, varList?: tf.Variable[]): tf.Scalar {
    return this.minimize(loss, true, varList) as tf.Scalar;
  }

  /** Whether weight decay applies to the variable named `name`. */
  decays(name: string): boolean {
    return this.weightDecay > 0 && !this.excluded(name);
  }

  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const entries: [string, tf.Tensor][] = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor])
      : Object.entries(variableGradients);
    const present = entries.filter(([, g]) => g != null);
    if (present.length === 0) return;
    const t = this.stepCount + 1;
    const lr = this.learningRateAt(t);
    if (!Number.isFinite(lr) || lr < 0) throw new RecError('E_CONFIG', `AdamW: learning rate at step ${t} is ${lr}`, { hint: 'The schedule must return a finite number ≥ 0.' });
    const bc1 = 1 - Math.pow(this.beta1, t);
    const sqrtBc2 = Math.sqrt(1 - Math.pow(this.beta2, t));
    const registered = tf.engine().registeredVariables;
    // Check every name before touching any variable, so a bad call leaves the model unchanged.
    const unknown = present.find(([name]) => registered[name] === undefined);
    if (unknown) {
      throw new RecError('E_INTERNAL', `AdamW: no variable named "${unknown[0]}" is registered`, { hint: 'Pass gradients keyed by tf.Variable names (as variableGrads returns them).' });
    }
    for (const [name] of present) this.checkSlotShape(name, registered[name]);

    // Global-norm clipping: one scale tensor for all gradients, computed on device.
    const scale = this.clipNorm === undefined ? undefined : tf.tidy(() => {
      const sq = tf.addN(present.map(([, g]) => tf.sum(tf.square(g))));
      return tf.minimum(tf.scalar(1), tf.div(tf.scalar(this.clipNorm as number), tf.add(tf.sqrt(sq), 1e-6)));
    });
    try {
      for (const [name, grad] of present) {
        const variable = registered[name];
        const slot = this.slotFor(name, variable);
        const vlr = lr * (this.lrMultiplier ? this.lrMultiplier(name) : 1);
        const decayFactor = this.decays(name) ? 1 - vlr * this.weightDecay : 1;
        tf.tidy(() => {
          const g = scale === undefined ? grad : tf.mul(grad, scale);
          const m = tf.add(tf.mul(slot.m, this.beta1), tf.mul(g, 1 - this.beta1));
          const v = tf.add(tf.mul(slot.v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
          slot.m.assign(m);
          slot.v.assign(v);
          const denom = tf.add(tf.div(tf.sqrt(v), sqrtBc2), this.epsilon);
          const decayed = decayFactor === 1 ? variable : tf.mul(variable, decayFactor);
          variable.assign(tf.sub(decayed, tf.mul(tf.div(m, denom), vlr / bc1)));
        });
      }
    } finally {
      scale?.dispose();
    }
    this.stepCount = t;
    this.incrementIterations();
  }

  /** Copies of the step counter and moments (caller disposes the tensors). */
  getState(): AdamWState {
    const m: Record<string, tf.Tensor> = {};
    const v: Record<string, tf.Tensor> = {};
    for (const [name, slot] of this.slots) {
      m[name] = tf.clone(slot.m);
      v[name] = tf.clone(slot.v);
    }
    return { step: this.stepCount, m, v };
  }

  /** Restores a state from `getState()` (tensors are copied; the caller keeps ownership). */
  setState(state: AdamWState): void {
    if (!Number.isInteger(state.step) || state.step < 0) {
      throw new RecError('E_CHECKPOINT', `AdamW.setState: step must be an integer ≥ 0, got ${String(state.step)}`);
    }
    const names = new Set([...Object.keys(state.m), ...Object.keys(state.v)]);
    for (const name of names) {
      const m = state.m[name];
      const v = state.v[name];
      if (m === undefined || v === undefined || !tf.util.arraysEqual(m.shape, v.shape)) {
        throw new RecError('E_CHECKPOINT', `AdamW.setState: moments of "${name}" are missing or differ in shape`, { hint: 'The checkpoint was written by another model or is damaged.' });
      }
    }
    this.disposeSlots();
    for (const name of names) {
      const trainable = false;
      this.slots.set(name, {
        m: tf.tidy(() => tf.variable(tf.cast(state.m[name], 'float32'), trainable, `${name}/adamw_m/${this.uid()}`)),
        v: tf.tidy(() => tf.variable(tf.cast(state.v[name], 'float32'), trainable, `${name}/adamw_v/${this.uid()}`)),
      });
    }
    this.stepCount = state.step;
    this.iterations_ = state.step;
  }

  override dispose(): void {
    this.disposeSlots();
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const out: NamedTensor[] = [await this.saveIterations()];
    for (const [name, slot] of this.slots) out.push({ name: `${name}/m`, tensor: slot.m }, { name: `${name}/v`, tensor: slot.v });
    return out;
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    const m: Record<string, tf.Tensor> = {};
    const v: Record<string, tf.Tensor> = {};
    for (const { name, tensor } of rest) {
      if (name.endsWith('/m')) m[name.slice(0, -2)] = tensor;
      else if (name.endsWith('/v')) v[name.slice(0, -2)] = tensor;
    }
    this.setState({ step: this.iterations_, m, v });
  }

  getConfig(): tf.serialization.ConfigDict {
    return {
      learningRate: typeof this.lr === 'number' ? this.lr : this.learningRateAt(),
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      weightDecay: this.weightDecay,
      ...(this.clipNorm === undefined ? {} : { clipNorm: this.clipNorm }),
    };
  }

  private checkSlotShape(name: string, variable: tf.Variable): void {
    const slot = this.slots.get(name);
    if (slot && !tf.util.arraysEqual(slot.m.shape, variable.shape)) {
      throw new RecError('E_SHAPE', `AdamW: variable "${name}" has shape [${variable.shape.join(', ')}] but its optimizer state has [${slot.m.shape.join(', ')}]`, {
        hint: 'The restored optimizer state belongs to a different model configuration; start without --resume or fix the config.',
      });
    }
  }

  private slotFor(name: string, variable: tf.Variable): Slot {
    let slot = this.slots.get(name);
    if (!slot) {
      const trainable = false;
      slot = {
        m: tf.tidy(() => tf.variable(tf.zeros(variable.shape, 'float32'), trainable, `${name}/adamw_m/${this.uid()}`)),
        v: tf.tidy(() => tf.variable(tf.zeros(variable.shape, 'float32'), trainable, `${name}/adamw_v/${this.uid()}`)),
      };
      this.slots.set(name, slot);
    }
    return slot;
  }

  private disposeSlots(): void {
    for (const slot of this.slots.values()) {
      slot.m.dispose();
      slot.v.dispose();
    }
    this.slots.clear();
  }

  private static nextUid = 0;
  private uid(): number {
    return AdamW.nextUid++;
  }
}

function toPredicate(spec: AdamWOptions['noDecay']): (name: string) => boolean {
  if (spec === undefined) return () => false;
  if (typeof spec === 'function') return spec;
  const exact = new Set(spec.filter((s): s is string => typeof s === 'string'));
  const patterns = spec.filter((s): s is RegExp => s instanceof RegExp);
  return (name) => exact.has(name) || patterns.some((p) => p.test(name));
}
