import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { RecError } from '../errors/rec-error';
import { initBackend } from './init-backend';
import { describeBackends } from './describe-backends';
import { oneHotGatherGrad } from './wasm-gather-gradient';

const original = tf.getBackend();
afterAll(async () => {
  if (original) await tf.setBackend(original);
});

describe('initBackend', () => {
  it('auto falls back with a reason for each backend forced to fail', async () => {
    const fail = (msg: string) => async () => {
      throw new RecError('E_BACKEND', msg);
    };
    const info = await initBackend({ backend: 'auto' }, { tensorflow: fail('no addon'), wasm: fail('no wasm') });
    expect(info.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(info.skipped).toEqual([
      { name: 'tensorflow', reason: 'no addon' },
      { name: 'wasm', reason: 'no wasm' },
    ]);
  });

  it('an unknown name is an E_BACKEND error listing the valid names', async () => {
    const err = await initBackend({ backend: 'cuda' as never }).catch((e: unknown) => e);
    expect(RecError.is(err, 'E_BACKEND')).toBe(true);
    expect((err as RecError).message).toContain('"cuda"');
    expect((err as RecError).hint).toContain('auto, tensorflow, tensorflow-gpu, wasm, webgpu, cpu');
  });

  it('an explicit missing backend names the package to install', async () => {
    const err = await initBackend({ backend: 'tensorflow-gpu' }).catch((e: unknown) => e);
    expect(RecError.is(err, 'E_BACKEND')).toBe(true);
    expect((err as RecError).message).toContain('@tensorflow/tfjs-node-gpu');
  });
});

describe('wasm GatherV2 gradient', () => {
  const table = [
    [0.1, 0.2, 0.3],
    [1, 2, 3],
    [-1, 0.5, 4],
    [7, 8, 9],
  ];
  const idx = [
    [2, 0, 2],
    [3, 2, 1],
  ];
  const up = [
    [[1, 2, 3], [4, 5, 6], [7, 8, 9]],
    [[0.5, -1, 2], [3, 3, 3], [1, 0, -2]],
  ];
  function grad(): number[] {
    const x = tf.tensor2d(table);
    const i = tf.tensor2d(idx, undefined, 'int32');
    const w = tf.tensor3d(up);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, i), w)))(x);
    const out = Array.from(g.dataSync());
    tf.dispose([x, i, w, g]);
    return out;
  }

  it('equals the cpu gradient on wasm, with no leaked tensors', async () => {
    await initBackend({ backend: 'cpu' });
    const cpu = grad();
    await initBackend({ backend: 'wasm', threads: 1 });
    expect(tf.getBackend()).toBe('wasm');
    const before = tf.memory().numTensors;
    const wasm = grad();
    expect(tf.memory().numTensors).toBe(before);
    expect(wasm.length).toBe(cpu.length);
    wasm.forEach((v, k) => expect(v).toBeCloseTo(cpu[k], 5));
    // and the one-hot formula itself matches on cpu
    await initBackend({ backend: 'cpu' });
    const dy = tf.tensor3d(up);
    const [x, i] = [tf.tensor2d(table), tf.tensor2d(idx, undefined, 'int32')];
    const d = oneHotGatherGrad(dy, x, i);
    Array.from(d.dataSync()).forEach((v, k) => expect(v).toBeCloseTo(cpu[k], 5));
    tf.dispose([dy, x, i, d]);
  });

  it('describeBackends reports the backend in use and why faster ones are not', async () => {
    await initBackend({ backend: 'cpu' });
    const d = await describeBackends();
    expect(d.inUse).toBe('cpu');
    expect(d.tfjsVersion).toBe(tf.version_core);
    expect(d.notInUse.map((n) => n.name)).toContain('tensorflow-gpu');
    expect(d.notInUse.find((n) => n.name === 'tensorflow-gpu')?.reason).toMatch(/not installed/);
  });
});
