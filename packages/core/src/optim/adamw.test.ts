import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { RecError } from '../errors/rec-error';
import { Rng } from '../random/rng';
import { AdamW } from './adamw';
import { warmupSchedule } from './warmup-schedule';

const created: tf.Variable[] = [];
function variable(values: number[], shape: number[], name: string): tf.Variable {
  const v = tf.tidy(() => tf.variable(tf.tensor(values, shape), true, `${name}-${created.length}-${Math.random()}`));
  created.push(v);
  return v;
}
afterEach(() => {
  for (const v of created.splice(0)) v.dispose();
});

describe('AdamW', () => {
  it('matches a hand-computed two-step update (bias correction + decoupled decay)', () => {
    const theta = variable([1, -2], [2], 'theta');
    const opt = new AdamW({ learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.1 });
    // Step 1, θ0 = 1, g = 0.5: m̂ = 0.5, v̂ = 0.25 → m̂/√v̂ = 1 → θ = 1 − 0.1·(1 + 0.1·1) = 0.89.
    // Element 2, θ0 = −2, g = −0.25: m̂/√v̂ = −1 → θ = −2 − 0.1·(−1 − 0.2) = −1.88.
    tf.tidy(() => opt.applyGradients({ [theta.name]: tf.tensor([0.5, -0.25]) }));
    expect(Array.from(theta.dataSync())).toEqual([expect.closeTo(0.89, 6), expect.closeTo(-1.88, 6)]);
    // Step 2, g = −1 (element 1): m = 0.9·0.05 − 0.1 = −0.055, v = 0.999·0.00025 + 0.001 = 0.00124975,
    // m̂ = −0.055/0.19, v̂ = 0.00124975/0.001999 → θ = 0.89 − 0.1·(m̂/√v̂ + 0.1·0.89) ≈ 0.9177104.
    tf.tidy(() => opt.applyGradients({ [theta.name]: tf.tensor([-1, 0]) }));
    expect(theta.dataSync()[0]).toBeCloseTo(0.9177104, 5);
    expect(opt.iterations).toBe(2);
    opt.dispose();
  });

  it('equals tf.train.adam when weightDecay = 0', () => {
    const rng = new Rng(7);
    const init = Array.from({ length: 12 }, () => rng.normal());
    const target = tf.tensor(Array.from({ length: 9 }, () => rng.normal()), [3, 3]);
    const a = variable(init, [3, 4], 'a');
    const b = variable(init, [3, 4], 'b');
    const ours = new AdamW({ learningRate: 0.05, weightDecay: 0, epsilon: 1e-7 });
    const ref = tf.train.adam(0.05, 0.9, 0.999, 1e-7);
    const loss = (w: tf.Variable) => () => tf.sum(tf.square(tf.sub(tf.matMul(w, w, false, true), target))) as tf.Scalar;
    for (let i = 0; i < 5; i++) {
      ours.minimize(loss(a), false, [a]);
      ref.minimize(loss(b), false, [b]);
    }
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
    expect(diff).toBeLessThan(1e-5);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(a, tf.tensor(init, [3, 4])))).dataSync()[0])).toBeGreaterThan(0.1);
    ours.dispose();
    ref.dispose();
    target.dispose();
  });

  it('skips decay for excluded variables and clips the global gradient norm', () => {
    const w = variable([1, 1], [2], 'w');
    const bias = variable([1, 1], [2], 'bias');
    const opt = new AdamW({ learningRate: 0.1, weightDecay: 0.5, noDecay: [/bias/] });
    expect(opt.decays(w.name)).toBe(true);
    expect(opt.decays(bias.name)).toBe(false);
    tf.tidy(() => opt.applyGradients({ [w.name]: tf.zeros([2]), [bias.name]: tf.zeros([2]) }));
    expect(Array.from(w.dataSync())).toEqual([expect.closeTo(0.95, 6), expect.closeTo(0.95, 6)]);
    expect(Array.from(bias.dataSync())).toEqual([1, 1]);
    opt.dispose();

    // With clipping, Adam's first step is invariant to gradient scale; check m after 1 step instead.
    const c = variable([0, 0], [2], 'c');
    const clipped = new AdamW({ learningRate: 0.1, weightDecay: 0, clipNorm: 1 });
    tf.tidy(() => clipped.applyGradients({ [c.name]: tf.tensor([30, 40]) }));
    const state = clipped.getState();
    // g scaled to norm 1 → [0.6, 0.8]; m = 0.1·g.
    expect(Array.from(state.m[c.name].dataSync())).toEqual([expect.closeTo(0.06, 5), expect.closeTo(0.08, 5)]);
    tf.dispose([...Object.values(state.m), ...Object.values(state.v)]);
    clipped.dispose();
  });

  it('keeps the tensor count unchanged across steps', () => {
    const w = variable([1, 2, 3, 4], [2, 2], 'w');
    const opt = new AdamW({ learningRate: 0.01, clipNorm: 1 });
    const f = () => tf.sum(tf.square(w)) as tf.Scalar;
    opt.minimize(f, false, [w]); // creates the moment slots
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) opt.minimize(f, false, [w]);
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before - 2);
  });

  it('restores its state so resumed training matches uninterrupted training', () => {
    const init = [0.3, -0.7, 1.1];
    const a = variable(init, [3], 'a');
    const b = variable(init, [3], 'b');
    const f = (w: tf.Variable) => () => tf.sum(tf.pow(tf.sub(w, 2), 4)) as tf.Scalar;
    const schedule = warmupSchedule({ peak: 0.1, totalSteps: 6, warmupSteps: 2 });
    const full = new AdamW({ learningRate: schedule, weightDecay: 0.1 });
    for (let i = 0; i < 6; i++) full.minimize(f(a), false, [a]);
    const first = new AdamW({ learningRate: schedule, weightDecay: 0.1 });
    for (let i = 0; i < 3; i++) first.minimize(f(b), false, [b]);
    const saved = first.getState();
    first.dispose();
    const second = new AdamW({ learningRate: schedule, weightDecay: 0.1 });
    second.setState(saved);
    tf.dispose([...Object.values(saved.m), ...Object.values(saved.v)]);
    expect(second.iterations).toBe(3);
    for (let i = 0; i < 3; i++) second.step(f(b), [b]).dispose();
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    full.dispose();
    second.dispose();
  });

  it('rejects a state whose moments do not match the variable', () => {
    const w = variable([1, 2], [2], 'w');
    const opt = new AdamW({ learningRate: 0.1 });
    const m = tf.zeros([3]);
    opt.setState({ step: 1, m: { [w.name]: m }, v: { [w.name]: m } });
    m.dispose();
    expect(() => tf.tidy(() => opt.applyGradients({ [w.name]: tf.ones([2]) }))).toThrow(RecError);
    expect(() => new AdamW({ learningRate: 0.1, beta1: 1 })).toThrow(/beta1/);
    opt.dispose();
  });
});

describe('warmupSchedule', () => {
  it('warms up linearly, then decays (cosine or linear) to the floor', () => {
    const cos = warmupSchedule({ peak: 1, totalSteps: 110, warmupSteps: 10, minRatio: 0.1 });
    expect(cos(1)).toBeCloseTo(0.1);
    expect(cos(10)).toBeCloseTo(1);
    expect(cos(60)).toBeCloseTo(0.55);
    expect(cos(110)).toBeCloseTo(0.1);
    expect(cos(500)).toBeCloseTo(0.1);
    const lin = warmupSchedule({ peak: 2, totalSteps: 10, decay: 'linear' });
    expect(lin(1)).toBeCloseTo(1.8);
    expect(lin(5)).toBeCloseTo(1);
    expect(warmupSchedule({ peak: 3, totalSteps: 5, warmupSteps: 1, decay: 'constant' })(4)).toBe(3);
    expect(() => warmupSchedule({ peak: 1, totalSteps: 5, warmupSteps: 6 })).toThrow(/warmupSteps/);
  });
});
