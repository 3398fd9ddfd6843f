import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecError } from '../errors/rec-error';
import { AdamW } from '../optim/adamw';
import { Rng } from '../random/rng';
import { restoreTrainingState, saveTrainingState } from './training-state';

let root: string;
let counter = 0;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ed2-state-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A two-variable "model"; tfjs names differ per instance, logical names do not. */
function model(seed: number) {
  const id = counter++;
  const w = tf.tidy(() => tf.variable(tf.randomNormal([4, 3], 0, 1, 'float32', seed), true, `m${id}/w`));
  const b = tf.tidy(() => tf.variable(tf.zeros([3]), true, `m${id}/b`));
  const x = tf.tensor2d([[1, 0, 2, 1], [0, 1, 1, 3]]);
  const loss = () => tf.tidy(() => tf.sum(tf.square(tf.sub(tf.add(tf.matMul(x, w), b), 1))) as tf.Scalar);
  const train = (opt: AdamW, n: number) => {
    for (let i = 0; i < n; i++) opt.step(loss, [w, b]).dispose();
  };
  return { variables: { 'layer/w': w, 'layer/b': b }, train, dispose: () => tf.dispose([w, b, x]) };
}

describe('saveTrainingState / restoreTrainingState', () => {
  it('resuming in a fresh model (other tfjs names) continues exactly like an uninterrupted run', async () => {
    const opts = { learningRate: 0.05, weightDecay: 0.1, noDecay: (n: string) => n.endsWith('/b') };
    const full = model(1);
    const fullOpt = new AdamW(opts);
    full.train(fullOpt, 6);

    const first = model(1);
    const firstOpt = new AdamW(opts);
    const rng = new Rng(4);
    first.train(firstOpt, 3);
    rng.next();
    await saveTrainingState(join(root, 'ck'), { variables: first.variables, optimizer: firstOpt, rng }, { epoch: 3 });
    const expectedNext = rng.next();

    const before = tf.memory().numTensors;
    const second = model(99); // different init, overwritten by the restore
    const secondOpt = new AdamW(opts);
    const rng2 = new Rng(0);
    const meta = await restoreTrainingState(join(root, 'ck'), { variables: second.variables, optimizer: secondOpt, rng: rng2 });
    expect(meta).toEqual({ epoch: 3 });
    expect(rng2.next()).toBe(expectedNext);
    expect(secondOpt.iterations).toBe(3);
    second.train(secondOpt, 3);
    expect(Array.from(second.variables['layer/w'].dataSync())).toEqual(Array.from(full.variables['layer/w'].dataSync()));
    expect(Array.from(second.variables['layer/b'].dataSync())).toEqual(Array.from(full.variables['layer/b'].dataSync()));
    second.dispose();
    secondOpt.dispose();
    expect(tf.memory().numTensors).toBe(before);
    for (const o of [fullOpt, firstOpt]) o.dispose();
    full.dispose();
    first.dispose();
  });

  it('names missing, unexpected and mis-shaped variables', async () => {
    const a = model(1);
    await saveTrainingState(join(root, 'ck'), { variables: a.variables });
    const odd = tf.variable(tf.zeros([5, 3]), true, `odd${counter++}`);
    const other = tf.variable(tf.zeros([2]), true, `other${counter++}`);
    const err = await restoreTrainingState(join(root, 'ck'), { variables: { 'layer/w': odd, extra: other } }).catch((e: unknown) => e);
    expect(RecError.is(err, 'E_CHECKPOINT')).toBe(true);
    expect((err as Error).message).toMatch(/missing extra/);
    expect((err as Error).message).toMatch(/unexpected layer\/b/);
    expect((err as Error).message).toMatch(/shape differs for layer\/w \[4,3\] vs \[5,3\]/);
    const noOpt = await restoreTrainingState(join(root, 'ck'), { variables: a.variables, optimizer: new AdamW({ learningRate: 1 }) }).catch((e: unknown) => e);
    expect((noOpt as Error).message).toMatch(/no optimizer state/);
    tf.dispose([odd, other]);
    a.dispose();
  });
});
