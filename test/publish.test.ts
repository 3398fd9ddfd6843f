import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// What `npm publish` would ship for each workspace, checked from `npm pack --dry-run --json` (needs `npm run build`),
// and `changeset version` on a throwaway copy of the manifests and changesets.
const ROOT = resolve(__dirname, '..');
const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] };
const tmp = mkdtempSync(join(tmpdir(), 'rec-publish-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Manifest {
  name: string;
  version: string;
  main?: string;
  types?: string;
  files?: string[];
  exports?: Record<string, string | Record<string, string>>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
const manifest = (dir: string) => JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as Manifest;
const core = manifest('packages/core');

/** Tests, fixtures, test helpers, build state and data files: none may be published. */
const FORBIDDEN = [
  /\.(test|spec)\.[cm]?[jt]sx?(\.map)?$/,
  /(^|\/)(__fixtures__|fixtures|__tests__|test)\//,
  /-for-tests\./,
  /\.tsbuildinfo$/,
  /\.(inter|item|user|csv|tsv|npy|npz|safetensors|gguf|bin|parquet|jsonl|pt|ckpt)$/,
  /\.index\.json$/,
];

/** `>=a.b.c <x.y.z` (the form the @ed2 peer ranges use) holds `version`. */
function inRange(version: string, range: string): boolean {
  const m = /^>=(\d+)\.(\d+)\.(\d+) <(\d+)\.(\d+)\.(\d+)$/.exec(range);
  if (!m) throw new Error(`peer range "${range}" is not of the form ">=a.b.c <x.y.z"`);
  const v = version.split('.').map(Number);
  const cmp = (a: number[], b: number[]) => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!;
  return cmp(v, m.slice(1, 4).map(Number)) >= 0 && cmp(v, m.slice(4, 7).map(Number)) < 0;
}

describe.each(root.workspaces)('publishing %s', (dir) => {
  const pkg = manifest(dir);

  it('declares exports (. and ./plugin), files, types, @ed2/core as a peer, and has a README', () => {
    expect(pkg.types).toMatch(/^\.\/dist\/.*\.d\.ts$/);
    expect(pkg.files).toContain('dist');
    expect(Object.keys(pkg.exports ?? {})).toEqual(expect.arrayContaining(['.', './plugin']));
    const readme = join(ROOT, dir, 'README.md');
    expect(existsSync(readme), `${readme} is missing`).toBe(true);
    expect(readFileSync(readme, 'utf8').split('\n')[0]).toBe(`# ${pkg.name}`);
    if (pkg.name === '@ed2/core') return;
    expect(pkg.dependencies?.['@ed2/core'], 'core is a peer, not a dependency (one core per process: RecError, DI tokens)').toBeUndefined();
    expect(inRange(core.version, pkg.peerDependencies?.['@ed2/core'] ?? '')).toBe(true);
    // the workspace still links core for development, at the fixed group's version
    expect(pkg.devDependencies?.['@ed2/core']).toBe(core.version);
  });

  it('npm pack holds dist (every export target) and no tests, fixtures or data files', () => {
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: join(ROOT, dir), encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const files = (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(files).toContain('package.json');
    expect(files).toContain('README.md');
    const targets = [pkg.main, pkg.types, ...Object.values(pkg.exports ?? {}).flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e)))];
    for (const t of targets.filter((x): x is string => x !== undefined && x !== './package.json')) {
      expect(files, `${t} is not in the package (run \`npm run build\` first)`).toContain(t.replace(/^\.\//, ''));
    }
    expect(files.filter((f) => f.startsWith('dist/')).length).toBeGreaterThan(4);
    expect(files.filter((f) => FORBIDDEN.some((re) => re.test(f)))).toEqual([]);
  });
});

describe('changeset version', () => {
  it('bumps the fixed group to one version without a major bump from the core peer, on a throwaway copy', () => {
    const copy = join(tmp, 'repo');
    mkdirSync(copy);
    cpSync(join(ROOT, 'package.json'), join(copy, 'package.json'));
    cpSync(join(ROOT, '.changeset'), join(copy, '.changeset'), { recursive: true });
    for (const dir of root.workspaces) {
      mkdirSync(join(copy, dir), { recursive: true });
      cpSync(join(ROOT, dir, 'package.json'), join(copy, dir, 'package.json'));
    }
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
    // a patch changeset on core alone: the fixed group follows it, the peer range still holds
    writeFileSync(join(copy, '.changeset', 'zz-publish-test.md'), '---\n"@ed2/core": patch\n---\n\nTest bump.\n');
    const git = (...a: string[]) => spawnSync('git', a, { cwd: copy, encoding: 'utf8' });
    git('init', '-q');
    git('add', '-A');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'copy');
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/@changesets/cli/bin.js'), 'version'], { cwd: copy, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const after = root.workspaces.map((dir) => JSON.parse(readFileSync(join(copy, dir, 'package.json'), 'utf8')) as Manifest);
    const versions = new Set(after.map((m) => m.version));
    expect(versions.size).toBe(1);
    const [next] = [...versions];
    const [major] = core.version.split('.').map(Number);
    expect(Number(next!.split('.')[0])).toBe(major); // no major bump
    expect(next).not.toBe(core.version);
    for (const m of after) {
      if (m.name === '@ed2/core') continue;
      expect(inRange(next!, m.peerDependencies!['@ed2/core']!)).toBe(true);
      expect(m.devDependencies!['@ed2/core']).toBe(next);
      for (const [dep, v] of Object.entries(m.dependencies ?? {})) if (dep.startsWith('@ed2/')) expect(v).toBe(next);
    }
    expect(readdirSync(join(copy, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md')).toEqual([]);
    expect(readFileSync(join(copy, 'packages/core/CHANGELOG.md'), 'utf8')).toMatch(new RegExp(`## ${next!.replace(/\./g, '\\.')}`));
  });
});
