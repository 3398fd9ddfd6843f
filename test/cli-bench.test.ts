import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// `rec bench` through the built binary (packages/cli/bin/run.js → dist) on a tiny synthetic corpus, two quick models.
const BIN = resolve(__dirname, '../packages/cli/bin/run.js');
const tmp = mkdtempSync(join(tmpdir(), 'rec-bench-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function rec(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: tmp, timeout: 300_000, env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const METRICS = ['hr@1', 'hr@5', 'hr@10', 'ndcg@5', 'ndcg@10'];
const json = (f: string) => JSON.parse(readFileSync(f, 'utf8'));

function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(file);
  expect([...b.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(b.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

describe('rec bench', () => {
  const out = join(tmp, 'b');
  const args = ['bench', '--models', 'sasrec,gru4rec', '--dataset-set', 'numUsers=120', '--dataset-set', 'numItems=50', '--epochs', '2', '--set', 'dim=16', '--set', 'maxLen=8', '--set', 'sasrec.heads=1', '--out', out, '--no-progress'];

  it('trains both models, writes every output, and its improvement column is (best − second) / second of the runs’ results', () => {
    const r = rec(...args);
    expect(r.err + r.out).not.toContain('error [');
    expect(r.code).toBe(0);
    for (const f of ['bench.md', 'bench.csv', 'bench.json', 'bench.png']) expect(existsSync(join(out, f)), f).toBe(true);
    for (const m of ['sasrec', 'gru4rec']) for (const f of ['metrics.json', 'test-per-user.json', 'report.md']) expect(existsSync(join(out, m, 'seed-42', f)), `${m}/${f}`).toBe(true);
    // per-model option reached only its model
    expect(json(join(out, 'sasrec', 'seed-42', 'config.json')).modelConfig).toMatchObject({ heads: 1, dim: 16, epochs: 2 });
    expect(json(join(out, 'gru4rec', 'seed-42', 'config.json')).modelConfig.heads).toBeUndefined();

    const test = { sasrec: json(join(out, 'sasrec', 'seed-42', 'metrics.json')).test, gru4rec: json(join(out, 'gru4rec', 'seed-42', 'metrics.json')).test } as Record<string, Record<string, number>>;
    const bench = json(join(out, 'bench.json'));
    const table = bench.tables[0];
    const csv = readFileSync(join(out, 'bench.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    const improvementLine = csv.find((l) => l[0] === 'improvement')!;
    const md = readFileSync(join(out, 'bench.md'), 'utf8');
    const mdImprov = md.split('\n').find((l) => l.startsWith('| Improv.'))!.split('|').slice(2, 2 + METRICS.length).map((c) => c.trim());
    METRICS.forEach((m, i) => {
      const [hi, lo] = [test.sasrec[m], test.gru4rec[m]].sort((a, b) => b - a);
      const best = test.sasrec[m] >= test.gru4rec[m] ? 'sasrec' : 'gru4rec';
      if (hi === lo) return; // a tie has no single best; the synthetic models differ on these metrics in practice
      expect(table.leaders[m].best).toBe(best);
      if (lo > 0) {
        const expected = (hi - lo) / lo;
        expect(table.leaders[m].improvement).toBeCloseTo(expected, 12);
        expect(Number(improvementLine[1 + 3 * i])).toBeCloseTo(expected, 12);
        expect(mdImprov[i]).toBe(`${(100 * expected).toFixed(2)}%`);
      }
      expect(md).toContain(`**${hi.toFixed(4)}**`);
      expect(md).toContain(`<u>${lo.toFixed(4)}</u>`);
      // paired test present, on every test user
      expect(table.leaders[m].test.n).toBe(json(join(out, 'sasrec', 'seed-42', 'metrics.json')).cases);
    });
    const size = pngSize(join(out, 'bench.png'));
    expect(size.width).toBeGreaterThan(200);
    expect(size.height).toBeGreaterThan(200);

    // the protocol manifest of each run
    const manifest = json(join(out, 'sasrec', 'seed-42', 'metrics.json')).manifest;
    expect(manifest).toMatchObject({ candidates: 'all', rankedBy: 'scores', seenItems: 'ranked', beam: null, constraint: 'n/a', templates: 1, ks: [1, 5, 10], seeds: [42] });
    expect(manifest.data.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(manifest.split.test).toBe(json(join(out, 'sasrec', 'seed-42', 'metrics.json')).cases);
    expect(table.manifests.gru4rec.data.hash).toBe(manifest.data.hash);
    // the run's report links its training-curve charts, which are PNGs next to it
    const report = readFileSync(join(out, 'sasrec', 'seed-42', 'report.md'), 'utf8');
    expect(report).toContain('](chart-loss.png)');
    expect(report).toContain('](chart-valid.png)');
    pngSize(join(out, 'sasrec', 'seed-42', 'chart-loss.png'));
  });

  it('--resume skips the finished models and writes the same table; without it the folder is refused', () => {
    const before = readFileSync(join(out, 'bench.csv'), 'utf8');
    const again = rec(...args);
    expect(again.code).not.toBe(0);
    expect(again.err).toContain('--resume');
    const r = rec(...args, '--resume');
    expect(r.code).toBe(0);
    expect(r.err.match(/skipped \(--resume\)/g)).toHaveLength(2);
    expect(readFileSync(join(out, 'bench.csv'), 'utf8')).toBe(before);
    // a finished run with other options is not silently reused
    const changed = rec(...args.map((a) => (a === 'sasrec.heads=1' ? 'sasrec.heads=2' : a)), '--resume');
    expect(changed.code).not.toBe(0);
    expect(changed.err).toContain('model options differ');
  });
});
