import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { buildSync } from 'esbuild';
import { IndexVocabulary, RecError } from '@ed2/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createTorchBackbone } from './create-torch-backbone';
import { findPython } from './find-python';
import { TorchBackboneConfig } from './torch-backbone-config';
import { TorchWorkerError } from './torch-worker-client';

const tmp = mkdtempSync(join(tmpdir(), 'torch-life-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const size = { dim: 16, nLayers: 1, nHeads: 2, nKvHeads: 1, hiddenDim: 24, maxSeqLen: 64 };
const texts = () => ['the red ball', 'a blue car'];
const make = (extra: Record<string, unknown> = {}) => createTorchBackbone(TorchBackboneConfig.parse({ model: size, seed: 3, threads: 1, ...extra }), { seed: 3, texts });

/** Alive = exists and is not a zombie (a reparented, not yet reaped process counts as gone). */
function alive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

async function gone(pid: number, ms = 15000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !alive(pid);
}

describe('torch worker lifecycle', () => {
  it('a Python exception comes back as E_WORKER with its traceback, the worker keeps serving, and dispose ends its process', async () => {
    const bb = await make({ exclusive: true });
    const pid = bb.pid!;
    try {
      let err: unknown;
      try {
        bb.engine.call('crash', { message: 'boom from python' });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(TorchWorkerError);
      expect((err as RecError).code).toBe('E_WORKER');
      expect((err as Error).message).toMatch(/RuntimeError: boom from python/);
      expect((err as TorchWorkerError).details.traceback).toMatch(/worker\.py.*op_crash/s);
      const x = await bb.encode(['the red ball']);
      expect(x.shape).toEqual([1, 16]);
      x.dispose();
    } finally {
      bb.dispose();
    }
    expect(await gone(pid, 8000)).toBe(true);
  });

  it('a SIGKILLed worker gives a named error with its last stderr', async () => {
    const bb = await make({ exclusive: true });
    const pid = bb.pid!;
    expect(alive(pid)).toBe(true);
    const vocab = new IndexVocabulary([{ kind: 'item', prefix: '', levels: 1, codebookSize: 2, suffixes: 0 }], bb.baseVocabSize);
    bb.setIndexVocabulary(vocab);
    const rows = tf.zeros([vocab.size, bb.dim]) as tf.Tensor2D;
    process.kill(pid, 'SIGKILL');
    expect(await gone(pid)).toBe(true);
    let err: unknown;
    try {
      bb.lossAndRowGrads([{ prompt: [bb.bosId], response: [vocab.id('<a_1>')!] }], rows);
    } catch (e) {
      err = e;
    }
    expect(RecError.is(err, 'E_WORKER')).toBe(true);
    expect((err as Error).message).toMatch(/exited \(signal SIGKILL\)/);
    expect((err as Error).message).toMatch(/model 1 ready on cpu/); // the worker's last stderr
    expect((err as RecError).hint).toMatch(/--resume/);
    rows.dispose();
    bb.dispose();
  });

  it('leaves no worker behind when the TypeScript process is SIGKILLed', async () => {
    // a plain Node process that drives a worker through the same SyncWorkerProcess, then is killed
    const bundle = join(tmp, 'sync-worker-process.cjs');
    buildSync({ entryPoints: [join(__dirname, 'sync-worker-process.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'error' });
    const script = join(tmp, 'parent.cjs');
    writeFileSync(script, `
const { SyncWorkerProcess } = require(${JSON.stringify(bundle)});
const p = new SyncWorkerProcess({ command: ${JSON.stringify(findPython().python)}, args: ['-m', 'ed2_torch_worker'], env: { PYTHONPATH: ${JSON.stringify(join(__dirname, '../../python'))} } });
// awaiting the hello alone must keep this process alive (nothing else is pending here)
p.nextFrameAsync(120000).then((hello) => {
  if (!hello) { console.log('no hello: ' + JSON.stringify(p.exit)); process.exit(1); }
  console.log('worker ' + p.pid);
  setInterval(() => {}, 1000);
});
`);
    const parent = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((res, rej) => {
      let out = '';
      parent.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /worker (\d+)/.exec(out);
        if (m) res(Number(m[1]));
        else if (/no hello/.test(out)) rej(new Error(out));
      });
      parent.on('exit', (code) => rej(new Error(`the parent exited (${String(code)}) before its worker said hello: ${out}`)));
    });
    expect(alive(pid)).toBe(true);
    parent.kill('SIGKILL');
    expect(await gone(pid)).toBe(true);
  });

  it('names the missing Python modules and the install command', async () => {
    const noSite = join(tmp, 'python-without-site');
    writeFileSync(noSite, `#!/bin/sh\nexec ${findPython().python} -S "$@"\n`);
    chmodSync(noSite, 0o755);
    const err = await make({ python: noSite, exclusive: true }).catch((e: unknown) => e);
    expect(RecError.is(err, 'E_BACKEND')).toBe(true);
    expect((err as Error).message).toMatch(/lacks torch, transformers, peft, msgpack/);
    expect((err as RecError).hint).toMatch(/pip install -r packages\/backbones\/python\/ed2_torch_worker\/requirements\.txt/);
    await expect(make({ python: join(tmp, 'no-such-python'), exclusive: true })).rejects.toMatchObject({ code: 'E_BACKEND' });
    expect(existsSync(join(tmp, 'no-such-python'))).toBe(false);
  });
});
