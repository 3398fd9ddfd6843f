import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { AdamW } from '../optim/adamw';
import { applyFiniteGradients } from './finite-step';

let n = 0;
const variable = (values: number[]) => tf.tidy(() => tf.variable(tf.tensor1d(values), true, `finite-step-test-${n++}`));

describe('applyFiniteGradients', () => {
  it('applies finite gradients like AdamW.applyGradients and reads the loss', async () => {
    const before = tf.memory().numTensors;
    const x = variable([1, -2]);
    const opt = new AdamW({ learningRate: 0.1, weightDecay: 0 });
    // loss = Σ x² = 5, gradient 2x = [2, −4]; Adam's first step moves each element by lr·sign(g) = 0.1
    const { value, grads } = opt.computeGradients(() => tf.sum(tf.square(x)) as tf.Scalar, [x]);
    const r = await applyFiniteGradients(opt, value, grads);
    value.dispose();
    expect(r).toEqual({ loss: 5 });
    expect(Array.from(x.dataSync())).toEqual([expect.closeTo(0.9, 6), expect.closeTo(-1.9, 6)]);
    opt.dispose();
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a non-finite gradient with a finite loss is named and not applied', async () => {
    const before = tf.memory().numTensors;
    const a = variable([4, 9]);
    const b = variable([0, 1]);
    const opt = new AdamW({ learningRate: 0.1, weightDecay: 0 });
    // loss = Σ a + Σ √b = 13 + 0 + 1 = 14: finite, but d√b/db = 1/(2√b) is +Infinity at b = 0
    const { value, grads } = opt.computeGradients(() => tf.add(tf.sum(a), tf.sum(tf.sqrt(b))) as tf.Scalar, [a, b]);
    const r = await applyFiniteGradients(opt, value, grads);
    value.dispose();
    expect(r).toEqual({ loss: 14, nonFiniteGradient: b.name });
    expect(Array.from(a.dataSync())).toEqual([4, 9]); // nothing was updated
    expect(Array.from(b.dataSync())).toEqual([0, 1]);
    expect(opt.iterations).toBe(0);
    opt.dispose();
    tf.dispose([a, b]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
