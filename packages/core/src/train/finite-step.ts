import * as tf from '@tensorflow/tfjs-core';

export interface FiniteStepResult {
  /** The loss before the update. */
  readonly loss: number;
  /** Name of the first variable whose gradient holds a NaN or an infinity; the update was then not applied. */
  readonly nonFiniteGradient?: string;
}

/**
 * Applies `grads` with `optimizer` only when every gradient is finite, and reads `loss` in the same device→host
 * transfer. The probe is Σ sum(g·0) over the gradients: 0 when all are finite, NaN as soon as one element is NaN
 * or ±Infinity (∞·0 = NaN), so the check costs one multiply-and-sum per variable and no second read. Only when the
 * probe fails are the variables looked at one by one, to name the culprit. The caller keeps `loss`; `grads` are
 * disposed here.
 */
export async function applyFiniteGradients(optimizer: tf.Optimizer, loss: tf.Scalar, grads: tf.NamedTensorMap): Promise<FiniteStepResult> {
  const entries = Object.entries(grads).filter(([, g]) => g != null);
  try {
    const read = tf.tidy(() => tf.stack([loss, entries.length ? tf.addN(entries.map(([, g]) => tf.sum(tf.mul(g, 0)))) : tf.scalar(0)]));
    const [value, probe] = await read.data();
    read.dispose();
    if (Number.isFinite(probe)) {
      optimizer.applyGradients(grads);
      return { loss: value };
    }
    for (const [name, g] of entries) {
      const ok = tf.tidy(() => tf.all(tf.isFinite(g)));
      const finite = (await ok.data())[0];
      ok.dispose();
      if (!finite) return { loss: value, nonFiniteGradient: name };
    }
    return { loss: value, nonFiniteGradient: entries[0]![0] };
  } finally {
    tf.dispose(Object.values(grads));
  }
}
