import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@ed2/core';

let uid = 0;

/** A trainable variable with a process-unique tfjs name (tfjs registers names globally). */
export function namedVariable(init: tf.Tensor, name: string, trainable = true): tf.Variable {
  const v = tf.variable(init, trainable, `${name}#${uid++}`);
  init.dispose();
  return v;
}

/** Glorot-uniform [rows, cols] matrix from the seeded generator. */
export function glorot(rows: number, cols: number, rng: Rng): tf.Tensor2D {
  const limit = Math.sqrt(6 / (rows + cols));
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform(-limit, limit);
  return tf.tensor2d(data, [rows, cols]);
}

/** A stack of dense layers (ReLU between, linear output): widths [in, h1, …, out]. */
export class Mlp {
  readonly weights: tf.Variable[] = [];
  readonly biases: tf.Variable[] = [];

  constructor(readonly widths: readonly number[], name: string, rng: Rng) {
    for (let i = 0; i + 1 < widths.length; i++) {
      this.weights.push(namedVariable(glorot(widths[i], widths[i + 1], rng), `${name}/w${i}`));
      this.biases.push(namedVariable(tf.zeros([widths[i + 1]]), `${name}/b${i}`));
    }
  }

  /** x [n, widths[0]] → [n, widths.at(-1)]. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      let h: tf.Tensor2D = x;
      this.weights.forEach((w, i) => {
        h = tf.add(tf.matMul(h, w as tf.Tensor2D), this.biases[i]);
        if (i + 1 < this.weights.length) h = tf.relu(h);
      });
      return h;
    });
  }

  /** Variables by stable logical name (for checkpoints). */
  named(prefix: string): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    this.weights.forEach((w, i) => (out[`${prefix}/w${i}`] = w));
    this.biases.forEach((b, i) => (out[`${prefix}/b${i}`] = b));
    return out;
  }

  variables(): tf.Variable[] {
    return [...this.weights, ...this.biases];
  }

  dispose(): void {
    tf.dispose(this.variables());
  }
}
