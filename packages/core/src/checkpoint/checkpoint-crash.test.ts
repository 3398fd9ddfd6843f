import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from './checkpoint';

// A child process saves checkpoints in a loop (tensor filled with i, meta { i }) and is SIGKILLed
// at varying moments; whatever is on disk afterwards must load and be self-consistent.
let work: string;
let script: string;
const repoRoot = resolve(__dirname, '../../../..');

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ed2-crash-'));
  const entry = join(work, 'child.ts');
  writeFileSync(
    entry,
    `import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { saveCheckpoint } from ${JSON.stringify(resolve(__dirname, 'checkpoint'))};
(async () => {
  for (let i = 1; ; i++) {
    const t = tf.fill([64, 1024], i);
    await saveCheckpoint(process.argv[2], { tensors: { w: t }, meta: { i } });
    t.dispose();
    process.stdout.write('saved ' + i + '\\n');
  }
})();`,
  );
  script = join(work, 'child.js');
  buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', outfile: script, external: ['@tensorflow/*', 'write-file-atomic'], logLevel: 'silent' });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function runAndKill(dir: string, afterSaves: number, extraMs: number): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [script, dir], { env: { ...process.env, NODE_PATH: join(repoRoot, 'node_modules') }, stdio: ['ignore', 'pipe', 'ignore'] });
    let saved = 0;
    let killing = false;
    child.stdout.on('data', (b: Buffer) => {
      saved += (b.toString().match(/saved/g) ?? []).length;
      if (saved >= afterSaves && !killing) {
        killing = true;
        setTimeout(() => child.kill('SIGKILL'), extraMs);
      }
    });
    child.on('exit', () => done(saved));
    child.on('error', fail);
  });
}

describe('checkpoint crash safety', () => {
  it('a checkpoint killed mid-save still loads, with tensors matching its state', async () => {
    for (const [n, delay] of [[1, 0], [2, 3], [3, 7], [2, 12]] as const) {
      const dir = join(work, `ck-${n}-${delay}`);
      const saved = await runAndKill(dir, n, delay);
      expect(saved).toBeGreaterThanOrEqual(n);
      const ck = await loadCheckpoint(dir);
      const i = (ck.meta as { i: number }).i;
      expect(i).toBeGreaterThanOrEqual(saved);
      const w = ck.tensors.w;
      const [lo, hi] = [tf.min(w), tf.max(w)];
      expect([lo.dataSync()[0], hi.dataSync()[0]]).toEqual([i, i]);
      tf.dispose([w, lo, hi]);
    }
  });
});
