import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecError } from '../errors/rec-error';
import { Rng } from '../random/rng';
import { hasCheckpoint, loadCheckpoint, saveCheckpoint, STATE_FILE, TENSORS_FILE } from './checkpoint';
import { inspectSafetensors, readSafetensors, writeSafetensors } from './safetensors';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ed2-ckpt-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Builds a safetensors file by hand (independent of our writer). */
function handMade(entries: { name: string; dtype: string; shape: number[]; bytes: Buffer }[]): Buffer {
  const header: Record<string, unknown> = {};
  let off = 0;
  for (const e of entries) {
    header[e.name] = { dtype: e.dtype, shape: e.shape, data_offsets: [off, off + e.bytes.length] };
    off += e.bytes.length;
  }
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, ...entries.map((e) => e.bytes)]);
}

async function expectCheckpointError(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(RecError.is(err, 'E_CHECKPOINT')).toBe(true);
  expect((err as Error).message).toMatch(pattern);
}

describe('checkpoints', () => {
  it('round-trips float32/int32/bool tensors, optimizer state, rng state and meta', async () => {
    const rng = new Rng(3);
    rng.next();
    const w = tf.tensor([[1.5, -2.25, 3], [4, 5, 6e-8]]);
    const ids = tf.tensor([7, -1, 2147483647], [3], 'int32');
    const mask = tf.tensor([true, false, true, true], [2, 2], 'bool');
    const m = tf.tensor([0.1, 0.2]);
    const v = tf.tensor([0.01, 0.02]);
    const dir = join(root, 'ckpt');
    const before = tf.memory().numTensors;
    await saveCheckpoint(dir, { tensors: { 'layer/w': w, ids, mask }, optimizer: { step: 12, m: { 'layer/w': m }, v: { 'layer/w': v } }, rng: rng.state(), meta: { epoch: 3, best: { 'ndcg@10': 0.07 } } });
    expect(tf.memory().numTensors).toBe(before);
    expect(hasCheckpoint(dir)).toBe(true);
    expect(readdirSync(root)).toEqual(['ckpt']);

    const ck = await loadCheckpoint(dir);
    expect(Object.keys(ck.tensors).sort()).toEqual(['ids', 'layer/w', 'mask']);
    expect(ck.tensors['layer/w'].shape).toEqual([2, 3]);
    expect(Array.from(ck.tensors['layer/w'].dataSync())).toEqual(Array.from(w.dataSync()));
    expect(ck.tensors.ids.dtype).toBe('int32');
    expect(Array.from(ck.tensors.ids.dataSync())).toEqual([7, -1, 2147483647]);
    expect(ck.tensors.mask.dtype).toBe('bool');
    expect(Array.from(ck.tensors.mask.dataSync())).toEqual([1, 0, 1, 1]);
    expect(ck.optimizer?.step).toBe(12);
    expect(Array.from(ck.optimizer!.v['layer/w'].dataSync())).toEqual(Array.from(v.dataSync()));
    const restored = new Rng(0);
    restored.setState(ck.rng!);
    expect(restored.next()).toBe(rng.next());
    expect(ck.meta).toEqual({ epoch: 3, best: { 'ndcg@10': 0.07 } });
    tf.dispose([w, ids, mask, m, v, ...Object.values(ck.tensors), ...Object.values(ck.optimizer!.m), ...Object.values(ck.optimizer!.v)]);
  });

  it('writes standard safetensors: LE length, 8-byte aligned JSON header, data_offsets', async () => {
    const file = join(root, 'x.safetensors');
    const a = tf.tensor([1, 2, 3], [3], 'int32');
    await writeSafetensors(file, { a }, { note: 'hi' });
    a.dispose();
    const buf = readFileSync(file);
    const len = Number(buf.readBigUInt64LE(0));
    expect((8 + len) % 8).toBe(0);
    const header = JSON.parse(buf.subarray(8, 8 + len).toString());
    expect(header).toEqual({ __metadata__: { note: 'hi' }, a: { dtype: 'I32', shape: [3], data_offsets: [0, 12] } });
    expect(Array.from(new Int32Array(Uint8Array.from(buf.subarray(8 + len)).buffer))).toEqual([1, 2, 3]);
  });

  it('reads hand-made F16/BF16 (to float32) and F32 files, and selected tensors only', async () => {
    const f16 = Buffer.alloc(8);
    [0x3c00, 0xc000, 0x3800, 0x0001].forEach((h, i) => f16.writeUInt16LE(h, 2 * i)); // 1, −2, 0.5, 2^−24
    const bf16 = Buffer.alloc(4);
    [0x3f80, 0xc020].forEach((h, i) => bf16.writeUInt16LE(h, 2 * i)); // 1, −2.5
    const f32 = Buffer.alloc(4);
    f32.writeFloatLE(0.75);
    const file = join(root, 'h.safetensors');
    writeFileSync(file, handMade([{ name: 'h', dtype: 'F16', shape: [2, 2], bytes: f16 }, { name: 'b', dtype: 'BF16', shape: [2], bytes: bf16 }, { name: 'f', dtype: 'F32', shape: [], bytes: f32 }]));
    const { tensors } = await readSafetensors(file);
    expect(tensors.h.dtype).toBe('float32');
    expect(Array.from(tensors.h.dataSync())).toEqual([1, -2, 0.5, 2 ** -24]);
    expect(Array.from(tensors.b.dataSync())).toEqual([1, -2.5]);
    expect(tensors.f.shape).toEqual([]);
    expect(tensors.f.dataSync()[0]).toBe(0.75);
    tf.dispose(Object.values(tensors));
    const header = await inspectSafetensors(file);
    expect([...header.entries.keys()]).toEqual(['h', 'b', 'f']);
    expect(header.entries.get('h')).toMatchObject({ dtype: 'F16', shape: [2, 2] });
    const only = await readSafetensors(file, { names: ['b'] });
    expect(Object.keys(only.tensors)).toEqual(['b']);
    tf.dispose(Object.values(only.tensors));
  });

  it('rejects truncated and corrupt files with E_CHECKPOINT naming the file', async () => {
    const dir = join(root, 'c');
    const t = tf.ones([64]);
    await saveCheckpoint(dir, { tensors: { t } });
    t.dispose();
    const file = join(dir, TENSORS_FILE);
    const full = readFileSync(file);
    writeFileSync(file, full.subarray(0, full.length - 10));
    await expectCheckpointError(loadCheckpoint(dir), /tensors\.safetensors.*truncated/);
    writeFileSync(file, full.subarray(0, 5));
    await expectCheckpointError(loadCheckpoint(dir), /shorter than the 8-byte header/);
    const bad = Buffer.from(full);
    bad.write('#', 9);
    writeFileSync(file, bad);
    await expectCheckpointError(loadCheckpoint(dir), /not valid JSON/);
    writeFileSync(join(dir, STATE_FILE), '{"format":');
    await expectCheckpointError(loadCheckpoint(dir), /state\.json is not valid JSON/);
    await expectCheckpointError(loadCheckpoint(join(root, 'none')), /No checkpoint/);
  });

  it('replaces the previous checkpoint atomically and recovers from a crash mid-swap', async () => {
    const dir = join(root, 'ck');
    const a = tf.tensor([1, 2]);
    const b = tf.tensor([3, 4]);
    await saveCheckpoint(dir, { tensors: { x: a }, meta: { epoch: 1 } });
    await saveCheckpoint(dir, { tensors: { x: b }, meta: { epoch: 2 } });
    expect(readdirSync(root)).toEqual(['ck']);
    // Crash after moving the old folder aside, before the new one was renamed in: only .prev exists.
    renameSync(dir, `${dir}.prev`);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(join(root, `ck.tmp-${dead}-0`), 'partial');
    expect(hasCheckpoint(dir)).toBe(true);
    const ck = await loadCheckpoint(dir);
    expect(ck.meta).toEqual({ epoch: 2 });
    tf.dispose(Object.values(ck.tensors));
    await saveCheckpoint(dir, { tensors: { x: a }, meta: { epoch: 3 } });
    expect(readdirSync(root)).toEqual(['ck']); // .prev and the dead process's temp are gone
    const again = await loadCheckpoint(dir);
    expect(again.meta).toEqual({ epoch: 3 });
    expect(Array.from(again.tensors.x.dataSync())).toEqual([1, 2]);
    tf.dispose([a, b, ...Object.values(again.tensors)]);
  });

  it('refuses unsupported dtypes and reserved names without touching the old checkpoint', async () => {
    const dir = join(root, 'r');
    const ok = tf.tensor([1]);
    await saveCheckpoint(dir, { tensors: { ok } });
    const c = tf.complex([1], [2]);
    const err = await saveCheckpoint(dir, { tensors: { c } }).catch((e: unknown) => e);
    expect(RecError.is(err, 'E_UNSUPPORTED')).toBe(true);
    await expect(saveCheckpoint(dir, { tensors: { '@optimizer/m/x': ok } })).rejects.toThrow(/reserved/);
    const ck = await loadCheckpoint(dir);
    expect(Object.keys(ck.tensors)).toEqual(['ok']);
    expect(readdirSync(root)).toEqual(['r']);
    tf.dispose([ok, c, ...Object.values(ck.tensors)]);
  });
});
