import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// The installed `rec` binary (packages/cli/bin/run.js → dist, built by `npm ci`'s postinstall).
const BIN = resolve(__dirname, '../packages/cli/bin/run.js');
const tmp = mkdtempSync(join(tmpdir(), 'rec-bin-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function rec(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: tmp, timeout: 120_000, env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('rec binary', () => {
  it('--help lists the commands', () => {
    const r = rec('--help');
    expect(r.code).toBe(0);
    for (const c of ['run', 'compare', 'components', 'doctor', 'data', 'plugins']) expect(r.out).toContain(c);
  });

  it('doctor reports the backend in use and the TensorFlow version with it', () => {
    const r = rec('doctor', '--json');
    expect(r.code).toBe(0);
    const d = JSON.parse(r.out);
    expect(['tensorflow', 'wasm', 'cpu']).toContain(d.backend);
    if (d.backend === 'tensorflow') expect(d.tensorflowVersion).toMatch(/^\d+\.\d+/);
    else expect(d.skipped.map((s: { name: string }) => s.name)).toContain('tensorflow');
  });

  it('data tasks builds every task on the synthetic data', () => {
    const r = rec('data', 'tasks', 'synthetic', '--dataset-set', 'numUsers=80', '--dataset-set', 'numItems=50', '--json', '--no-progress');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j.tasks).sort()).toEqual(['co-purchase', 'comment-query', 'index-item', 'item-index', 'profile', 'sequential']);
    expect(j.tasks.sequential.test).toBe(80);
    for (const t of Object.values(j.tasks) as { train: number }[]) expect(t.train).toBeGreaterThan(0);
  });

  it('run --resume --out <dir> alone continues the stored experiment (model, dataset, options)', () => {
    const out = join(tmp, 'resume-short');
    const first = rec('run', '--model', 'gru4rec', '--dataset-set', 'numUsers=60', '--dataset-set', 'numItems=40', '--set', 'dim=8', '--set', 'hidden=8', '--epochs', '1', '--seed', '3', '--out', out, '--json', '--no-progress');
    expect(first.code).toBe(0);
    const again = rec('run', '--resume', '--out', out, '--epochs', '2', '--json', '--no-progress');
    expect(again.err).not.toMatch(/error \[/);
    expect(again.code).toBe(0);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(metrics.model).toBe('gru4rec');
    expect(metrics.train.resumedFromEpoch).toBe(1);
    expect(metrics.train.epochs).toBe(2);
    // a flag that changes the experiment is still refused
    const other = rec('run', '--resume', '--out', out, '--seed', '4', '--no-progress');
    expect(other.code).not.toBe(0);
    expect(other.err).toMatch(/seed differs/);
  });

  it('bad input: a clear error line, the fix, and a non-zero exit code', () => {
    const r = rec('run', '--model', 'sasrek', '--no-progress');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/error \[E_PLUGIN_UNKNOWN\]: Unknown recommender "sasrek".*Did you mean "sasrec"/);
    expect(r.err).toMatch(/fix: /);
    const s = rec('data', 'stats', join(tmp, 'nowhere'));
    expect(s.code).toBe(3); // data errors exit 3 (README "Exit codes")
    expect(s.err).toContain('E_DATA_MISSING');
  });
});
