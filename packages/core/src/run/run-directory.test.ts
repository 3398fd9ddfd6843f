import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveCheckpoint } from '../checkpoint/checkpoint';
import { RecError } from '../errors/rec-error';
import { EventBus, type RecEvent } from '../events/event-bus';
import { handleInterrupts, throwIfAborted } from './interrupt-handler';
import { LOCK_FILE, makeRunId, RUN_FILE, RunDirectory } from './run-directory';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ed2-run-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function runError(p: Promise<unknown>): Promise<RecError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(RecError.is(e, 'E_RUN_DIR')).toBe(true);
  return e as RecError;
}

/** A pid that is certainly dead: a child process that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

describe('RunDirectory', () => {
  it('creates a run, writes files atomically, records status and releases the lock', async () => {
    const dir = join(root, makeRunId('sasrec', new Date(Date.UTC(2025, 0, 2, 3, 4, 5))));
    expect(dir.endsWith('20250102-030405-sasrec')).toBe(true);
    const run = await RunDirectory.create(dir, { info: { model: 'sasrec' } });
    expect(run.status).toBe('running');
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    await run.writeJson('metrics/test.json', { 'ndcg@10': 0.05 });
    await run.writeText('log.txt', 'hello\n');
    expect(JSON.parse(readFileSync(join(dir, 'metrics/test.json'), 'utf8'))).toEqual({ 'ndcg@10': 0.05 });
    expect(() => run.file('../escape.json')).toThrow(/outside the run folder/);
    await run.finish('done');
    const rec = JSON.parse(readFileSync(join(dir, RUN_FILE), 'utf8'));
    expect(rec).toMatchObject({ status: 'done', attempts: 1, info: { model: 'sasrec' } });
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('refuses a foreign non-empty folder, and a checkpointed run without resume', async () => {
    const foreign = join(root, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'thesis.tex'), 'x');
    const e1 = await runError(RunDirectory.create(foreign));
    expect(e1.message).toMatch(/not empty.*thesis\.tex/);

    const dir = join(root, 'run');
    const run = await RunDirectory.create(dir);
    const w = tf.tensor([1]);
    await saveCheckpoint(run.checkpointDir, { tensors: { w } });
    w.dispose();
    await run.finish('interrupted', new RecError('E_ABORTED', 'Interrupted by SIGINT'));
    expect(JSON.parse(readFileSync(join(dir, RUN_FILE), 'utf8')).error).toEqual({ code: 'E_ABORTED', message: 'Interrupted by SIGINT' });
    const e2 = await runError(RunDirectory.create(dir));
    expect(e2.message).toMatch(/already has a checkpoint \(status: interrupted\)/);
    expect(e2.hint).toMatch(/--resume.*--out/);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);

    const resumed = await RunDirectory.create(dir, { resume: true });
    expect(resumed.resumed).toBe(true);
    expect(resumed.info.attempts).toBe(2);
    await resumed.finish('done');
  });

  it('refuses a folder locked by a live process and takes over a stale lock', async () => {
    const dir = join(root, 'locked');
    const first = await RunDirectory.create(dir);
    const e = await runError(RunDirectory.create(dir, { resume: true }));
    expect(e.message).toMatch(new RegExp(`in use by process ${process.pid}`));
    first.release();

    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid(), host: hostname(), since: 'then' }));
    const second = await RunDirectory.create(dir, { resume: true });
    expect(second.resumed).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    await second.finish('failed', new Error('boom'));
    expect(JSON.parse(readFileSync(join(dir, RUN_FILE), 'utf8'))).toMatchObject({ status: 'failed', error: { message: 'boom' } });
  });
});

describe('handleInterrupts', () => {
  it('aborts on the first signal and force-exits on the second', () => {
    const controller = new AbortController();
    const events = new EventBus();
    const seen: RecEvent[] = [];
    events.on((e) => seen.push(e));
    const exits: string[] = [];
    const remove = handleInterrupts(controller, { events, signals: ['SIGUSR2'], forceExit: (s) => exits.push(s) });
    expect(() => throwIfAborted(controller.signal)).not.toThrow();
    process.emit('SIGUSR2', 'SIGUSR2');
    expect(controller.signal.aborted).toBe(true);
    expect(() => throwIfAborted(controller.signal)).toThrow(/Interrupted by SIGUSR2/);
    expect(exits).toEqual([]);
    process.emit('SIGUSR2', 'SIGUSR2');
    expect(exits).toEqual(['SIGUSR2']);
    expect(seen.filter((e) => e.type === 'log' && e.level === 'warn')).toHaveLength(2);
    remove();
    expect(process.listenerCount('SIGUSR2')).toBe(0);
  });
});
