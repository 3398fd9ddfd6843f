import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// `rec plugins new` → the generated package's own tests pass as generated. `npm install` is replaced by a symlink
// node_modules → this repo's node_modules (same @ed2/* builds, vitest and typescript; no network in tests).
const REPO = resolve(__dirname, '..');
const BIN = join(REPO, 'packages/cli/bin/run.js');
const tmp = mkdtempSync(join(tmpdir(), 'rec-scaffold-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The environment of a child process: a temporary rec data dir, and no variables of this vitest run. */
const env = Object.fromEntries(
  Object.entries({ ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', REC_DATA_DIR: join(tmp, 'data'), REC_CONFIG_DIR: join(tmp, 'config'), REC_CACHE_DIR: join(tmp, 'cache') }).filter(([k]) => !k.startsWith('VITEST') && k !== 'TEST' && k !== 'NODE_ENV'),
);

function run(file: string, args: readonly string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [file, ...args], { encoding: 'utf8', cwd, env, timeout: 300_000, maxBuffer: 64 << 20 }, (error, out, err) => done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, out, err }));
  });
}
const rec = (...args: string[]) => run(BIN, args, tmp);
const VITEST = join(REPO, 'node_modules/vitest/vitest.mjs');
const TSC = join(REPO, 'node_modules/typescript/bin/tsc');

async function scaffold(kind: string): Promise<string> {
  const r = await rec('plugins', 'new', 'rec-plugin-demo', '--kind', kind, '--dir', join(tmp, kind));
  expect(r.code, r.err).toBe(0);
  expect(r.out).toMatch(new RegExp(`created rec-plugin-demo in .*: ${kind === 'metric' ? 'metrics' : `${kind}s`}:demo`));
  const root = join(tmp, kind, 'rec-plugin-demo');
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
  return root;
}

describe('rec plugins new: a package that passes its own tests at once', () => {
  it('indexer: manifest in package.json, config schema, class, contract test, README, changeset; tests pass, it builds, rec links and lists it', async () => {
    const root = await scaffold('indexer');
    for (const f of ['package.json', 'src/config.ts', 'src/demo-indexer.ts', 'src/plugin.ts', 'src/demo-indexer.test.ts', 'README.md', '.changeset/initial-release.md', 'tsconfig.json', 'vitest.config.mjs']) expect(existsSync(join(root, f)), f).toBe(true);
    const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pjson).toMatchObject({ name: 'rec-plugin-demo', rec: { plugin: './dist/plugin.js' }, oclif: {}, peerDependencies: { '@ed2/core': '^0.1.0', '@ed2/indexers': '^0.1.0' } });
    expect(readFileSync(join(root, 'src/demo-indexer.test.ts'), 'utf8')).toMatch(/from '@ed2\/core\/testing'/);
    const test = await run(VITEST, ['run', '--reporter=verbose'], root);
    expect(test.code, test.out + test.err).toBe(0);
    expect(test.out).toMatch(/indexer contract: demo/);
    expect(test.out).toMatch(/Tests\s+13 passed/);
    const build = await run(TSC, ['-p', 'tsconfig.json'], root);
    expect(build.code, build.out).toBe(0);
    const link = await rec('plugins', 'link', root);
    expect(link.code, link.err).toBe(0);
    const listed = await rec('components', 'indexers', 'demo');
    expect(listed.out).toMatch(/indexers:demo \(from rec-plugin-demo\)/);
  });

  for (const kind of ['task', 'recommender', 'dataset', 'metric', 'backbone']) {
    it(`${kind}: the generated contract test passes`, async () => {
      const root = await scaffold(kind);
      const test = await run(VITEST, ['run', '--reporter=verbose'], root);
      expect(test.code, test.out + test.err).toBe(0);
      expect(test.out).toMatch(/Test Files\s+1 passed/);
      if (kind !== 'metric') expect(test.out).toMatch(new RegExp(`${kind} contract: demo`));
    });
  }

  it('refuses an invalid package name and a non-empty target folder', async () => {
    const bad = await rec('plugins', 'new', 'Not A Name', '--kind', 'task', '--dir', tmp);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/"Not A Name" is not a valid npm package name/);
    const again = await rec('plugins', 'new', 'rec-plugin-demo', '--kind', 'task', '--dir', join(tmp, 'task'));
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/rec-plugin-demo already exists and is not empty/);
  });
});
