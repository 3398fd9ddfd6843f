import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// The installed `rec` binary (packages/cli/bin/run.js → dist).
const BIN = resolve(__dirname, '../packages/cli/bin/run.js');
const tmp = mkdtempSync(join(tmpdir(), 'rec-nsf-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let calls = 0;
/**
 * Runs `rec`; stderr goes to a file of its own, as with `rec … 2> log`. (Node's own stdio pipes are sockets, which
 * cannot be reopened through /proc: there TensorFlow's start-up lines still show; see withNativeStderrSilenced.)
 */
function rec(args: string[], env: Record<string, string> = {}) {
  const errFile = join(tmp, `stderr-${calls++}.txt`);
  const fd = openSync(errFile, 'w');
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: tmp, timeout: 120_000, stdio: ['ignore', 'pipe', fd], env: { ...process.env, FORCE_COLOR: '0', ...env } });
  closeSync(fd);
  return { code: r.status, out: r.stdout, err: readFileSync(errFile, 'utf8') };
}
const tiny = ['--dataset-set', 'numUsers=60', '--dataset-set', 'numItems=40', '--set', 'dim=8', '--seed', '3', '--no-progress'];
const TF_START_UP = /oneDNN|absl::InitializeLog|cpu_feature_guard/;

describe('rec: no silent failure', () => {
  it("TensorFlow's start-up lines are silenced (they do appear with TF_CPP_MIN_LOG_LEVEL=0, so the check can see them)", () => {
    const doctor = rec(['doctor', '--json']);
    expect(doctor.code).toBe(0);
    if (JSON.parse(doctor.out).backend !== 'tensorflow') return; // the lines come from the native addon only
    expect(doctor.err).not.toMatch(TF_START_UP);
    expect(rec(['doctor', '--json'], { TF_CPP_MIN_LOG_LEVEL: '0' }).err).toMatch(TF_START_UP);
    const run = rec(['run', '--model', 'sasrec', ...tiny, '--epochs', '1', '--out', join(tmp, 'quiet')]);
    expect(run.code).toBe(0);
    expect(run.err).not.toMatch(TF_START_UP);
    // off a terminal, the epoch line carries the epoch's loss
    expect(run.err).toMatch(/epoch 1\/1: 1\/1 step in [\d.]+s loss \d\.\d+/);
  });

  it('one exit-code rule: 3 for data errors, 2 for usage, documented in the help; no run folder for bad input', () => {
    const data = rec(['run', '--model', 'sasrec', '--dataset', 'no-such-dataset', '--out', join(tmp, 'never'), '--no-progress']);
    expect(data.code).toBe(3);
    expect(data.err).toMatch(/error \[E_DATA_MISSING\]: Unknown dataset "no-such-dataset"/);
    expect(existsSync(join(tmp, 'never'))).toBe(false);
    const usage = rec(['run', '--model', 'sasrec', ...tiny, '--eval-batch', '0', '--out', join(tmp, 'never')]);
    expect(usage.code).toBe(2);
    expect(usage.err).toMatch(/error \[E_CONFIG\]: --eval-batch 0 .*\n {2}fix: /);
    expect(existsSync(join(tmp, 'never'))).toBe(false);
    expect(rec(['run', '--help']).out.replace(/\s+/g, ' ')).toMatch(/Exit codes \(every rec command\): 0 success, 1 a failure while running .* 2 usage or configuration .* 3 the data .* 130 interrupted/);
  });
});
