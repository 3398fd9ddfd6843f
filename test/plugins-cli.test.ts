import { execFile } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { loadCheckpoint } from '@ed2/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';

// `rec plugins link | install | uninstall`, `rec doctor` and `rec run --indexer <plugin>` through the real binary
// (packages/cli/bin/run.js → dist). A temporary REC_DATA_DIR holds the plugin list: the user's own is never touched.
const BIN = resolve(__dirname, '../packages/cli/bin/run.js');
const REPO = resolve(__dirname, '..');
const FIXTURES = join(__dirname, 'fixtures');
const KMEANS = join(FIXTURES, 'kmeans-indexer-plugin');
const tmp = mkdtempSync(join(tmpdir(), 'rec-plugins-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs `rec` asynchronously (the test worker stays responsive) with its own data, config and cache folders. */
function recIn(dataDir: string, cwd: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const env = { ...process.env, FORCE_COLOR: '0', REC_DATA_DIR: dataDir, REC_CONFIG_DIR: join(dataDir, 'config'), REC_CACHE_DIR: join(dataDir, 'cache') };
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd, timeout: 180_000, env, maxBuffer: 64 << 20 }, (error, out, err) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, out, err });
    });
  });
}
const store = (dataDir: string) => JSON.parse(readFileSync(join(dataDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; oclif: { plugins: { name: string; type: string; root?: string; url?: string }[] } };

describe('rec plugins link / install / uninstall (the documented "rec": {"plugin": …} format)', () => {
  it('link: a package with only "rec".plugin (no "oclif" section) is accepted, listed, usable, and unlinked', async () => {
    const data = join(tmp, 'link');
    const linked = await recIn(data, tmp, 'plugins', 'link', KMEANS);
    expect(linked.err).not.toMatch(/invalid|error/i);
    expect(linked.code).toBe(0);
    expect(linked.out).toContain('linked rec-plugin-kmeans 0.1.0');
    expect(store(data).oclif.plugins).toEqual([{ name: 'rec-plugin-kmeans', type: 'link', root: KMEANS }]);
    const list = await recIn(data, tmp, 'plugins');
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/rec-plugin-kmeans 0\.1\.0 \(link\)/);
    const info = await recIn(data, tmp, 'components', 'indexers', 'kmeans');
    expect(info.code).toBe(0);
    expect(info.out).toMatch(/indexers:kmeans \(from rec-plugin-kmeans\)/);
    expect(info.out).toMatch(/iterations\s+integer\s+default 25/);
    const gone = await recIn(data, tmp, 'plugins', 'uninstall', 'rec-plugin-kmeans');
    expect(gone.code).toBe(0);
    expect(store(data).oclif.plugins).toEqual([]);
  });

  it('install: ./path, a plain relative path, /abs/path and file:path are folders (never GitHub); listed, loaded, uninstalled without npm', async () => {
    const data = join(tmp, 'install');
    const mod = join(data, 'node_modules', 'rec-plugin-kmeans');
    const rel = relative(tmp, KMEANS);
    for (const spec of [`./${rel}`, rel, KMEANS, `file:${rel}`]) {
      const r = await recIn(data, tmp, 'plugins', 'install', spec);
      expect(r.code, `${spec}: ${r.err}`).toBe(0);
      expect(r.out).toContain(`installed rec-plugin-kmeans 0.1.0 from ${KMEANS}`);
      const s = store(data);
      expect(s.oclif.plugins).toEqual([{ name: 'rec-plugin-kmeans', type: 'user', url: `file:${KMEANS}` }]);
      expect(s.dependencies).toEqual({ 'rec-plugin-kmeans': `file:${KMEANS}` });
      expect(lstatSync(mod).isSymbolicLink() && realpathSync(mod) === realpathSync(KMEANS)).toBe(true);
    }
    expect((await recIn(data, tmp, 'plugins')).out).toMatch(/rec-plugin-kmeans 0\.1\.0/);
    expect((await recIn(data, tmp, 'components', 'indexers')).out).toMatch(/kmeans .*\[rec-plugin-kmeans\]/);
    const gone = await recIn(data, tmp, 'plugins', 'uninstall', 'rec-plugin-kmeans');
    expect(gone.code).toBe(0);
    expect(store(data).oclif.plugins).toEqual([]);
    expect(store(data).dependencies).toEqual({});
    expect(existsSync(mod)).toBe(false);
  });

  it('install of a packed tarball: npm copies it into the data folder (peers left out), its @ed2/core is rec\'s own; uninstall removes it', async () => {
    const data = join(tmp, 'tarball');
    const packed = await new Promise<string>((done, fail) =>
      execFile('npm', ['pack', KMEANS, '--pack-destination', tmp, '--silent'], { cwd: tmp, encoding: 'utf8' }, (e, out) => (e ? fail(e) : done(out.trim().split('\n').pop()!))),
    );
    const r = await recIn(data, tmp, 'plugins', 'install', `./${packed}`);
    expect(r.code, r.err).toBe(0);
    const mod = join(data, 'node_modules', 'rec-plugin-kmeans');
    expect(lstatSync(mod).isDirectory() && !lstatSync(mod).isSymbolicLink()).toBe(true);
    expect(existsSync(join(mod, 'node_modules'))).toBe(false);
    expect(store(data).oclif.plugins).toEqual([{ name: 'rec-plugin-kmeans', type: 'user', url: `file:${join(tmp, packed)}` }]);
    expect((await recIn(data, tmp, 'components', 'indexers', 'kmeans')).out).toMatch(/indexers:kmeans \(from rec-plugin-kmeans\)/);
    expect((await recIn(data, tmp, 'plugins', 'uninstall', 'rec-plugin-kmeans')).code).toBe(0);
    expect(store(data).oclif.plugins).toEqual([]);
    expect(existsSync(mod)).toBe(false);
  });

  it('install and link refuse, at once and by name, an owner/repo that is no folder here, a missing path, and a package that is not a rec plugin', async () => {
    const data = join(tmp, 'refuse');
    const slug = await recIn(data, tmp, 'plugins', 'install', 'someone/rec-plugin-x');
    expect(slug.code).toBe(2);
    expect(slug.err).toMatch(/error \[E_PLUGIN\]: "someone\/rec-plugin-x" is not a folder .* not read owner\/repo as a GitHub address/);
    expect(slug.err).toMatch(/github:someone\/rec-plugin-x/);
    const missing = await recIn(data, tmp, 'plugins', 'install', './no/such/plugin');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/error \[E_PLUGIN\]: No plugin at .*no\/such\/plugin/);
    const plain = await recIn(data, REPO, 'plugins', 'link', 'packages/eval');
    expect(plain.code).toBe(2);
    expect(plain.err).toMatch(/@ed2\/eval is not a rec plugin: its package\.json has no "rec": \{"plugin"/);
    expect(existsSync(join(data, 'package.json')) ? store(data).oclif.plugins : []).toEqual([]);
  });
});

describe('a third-party plugin in a run, and broken plugins reported by name', () => {
  const data = join(tmp, 'run');
  const out = join(tmp, 'run-kmeans');

  it('rec run --indexer kmeans trains ED² on the synthetic default with the linked k-means plugin', async () => {
    expect((await recIn(data, tmp, 'plugins', 'link', KMEANS)).code).toBe(0);
    // ED² scaled to a test (as in ed2-run.test.ts): a 1-layer LLaMA of width 32, 3 × 8 codes, 3 joint steps
    const cfg = join(tmp, 'small.json');
    writeFileSync(cfg, JSON.stringify({
      model: { backbone: { name: 'llama', options: { model: { dim: 32, nLayers: 1, nHeads: 2, nKvHeads: 2, hiddenDim: 64, maxSeqLen: 256 } } }, warmupEpochs: 1, epochs: 1, stepsPerEpoch: 3, batchSize: 8, validUsers: 8, beams: 10, maxHistory: 5, testTemplates: 'first' },
    }));
    const r = await recIn(data, tmp, 'run', '--model', 'ed2', '--indexer', 'kmeans', '--index-length', '3', '--codebook-size', '8', '--config', cfg,
      '--dataset-set', 'numUsers=60', '--dataset-set', 'numItems=30', '--dataset-set', 'maxLength=10', '--out', out, '--json', '--no-progress');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/kmeans \(item\): level 3\/3 clustered/);
    expect(r.err).toMatch(/kmeans \(user\): level 3\/3 clustered/);
    const test = (JSON.parse(r.out) as { test: Record<string, number> }).test;
    expect(Number.isFinite(test['ndcg@10'])).toBe(true);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config.modelConfig.itemIndexer).toEqual({ name: 'kmeans', options: { levels: 3, codebookSize: 8, iterations: 25, suffixTokens: 8 } });
    const stats = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')).trainer.indexStats.item;
    expect([stats.entities, stats.levels, stats.codebookSize, stats.collisionRateAfter]).toEqual([30, 3, 8, 0]);
  });

  it('rec run --model lc-rec --indexer kmeans: the static, items-only generative model trains on the plugin index too', async () => {
    const lcrec = join(tmp, 'run-lcrec');
    const r = await recIn(data, tmp, 'run', '--model', 'lc-rec', '--indexer', 'kmeans', '--index-length', '3', '--codebook-size', '8', '--config', join(tmp, 'small.json'),
      '--dataset-set', 'numUsers=60', '--dataset-set', 'numItems=30', '--dataset-set', 'maxLength=10', '--out', lcrec, '--json', '--no-progress');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/kmeans \(item\): level 3\/3 clustered/);
    expect(r.err).not.toMatch(/kmeans \(user\)/);
    expect(JSON.parse(readFileSync(join(lcrec, 'config.json'), 'utf8')).modelConfig).toMatchObject({ users: false, itemIndexer: { name: 'kmeans' } });
  });

  it('the item index the run wrote holds the k-means codes of its warm-up checkpoint', async () => {
    const ckpt = await loadCheckpoint(join(out, 'checkpoint', 'warmup', 'item'));
    tf.dispose(Object.values(ckpt.tensors));
    const meta = ckpt.meta as { indexer: string; codes: number[] };
    expect(meta.indexer).toBe('kmeans');
    const written = JSON.parse(readFileSync(join(out, 'index', 'item.index.json'), 'utf8')) as Record<string, string[]>;
    expect(Object.keys(written).length).toBe(30);
    for (let i = 0; i < 30; i++) expect(written[String(i)].slice(0, 3)).toEqual([`<a_${meta.codes[i * 3]}>`, `<b_${meta.codes[i * 3 + 1]}>`, `<c_${meta.codes[i * 3 + 2]}>`]);
  });

  it('link refuses a broken plugin by name; --force links it; doctor lists each left-out plugin with the reason; rec run still works', async () => {
    const refused = await recIn(data, tmp, 'plugins', 'link', join(FIXTURES, 'broken-plugin'));
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/Plugin rec-plugin-broken could not be loaded .*broken on purpose/);
    for (const f of ['broken-plugin', 'future-api-plugin', 'clash-plugin']) expect((await recIn(data, tmp, 'plugins', 'link', join(FIXTURES, f), '--force')).code).toBe(0);
    // and one whose folder is deleted after linking
    const gone = join(tmp, 'gone-plugin');
    cpSync(KMEANS, gone, { recursive: true });
    writeFileSync(join(gone, 'package.json'), JSON.stringify({ name: 'rec-plugin-gone', version: '0.1.0', rec: { plugin: './plugin.js' } }));
    expect((await recIn(data, tmp, 'plugins', 'link', gone, '--force')).code).toBe(0);
    rmSync(gone, { recursive: true, force: true });
    const doctor = await recIn(data, tmp, 'doctor');
    expect(doctor.code).toBe(0);
    expect(doctor.out).toMatch(/plugins: .*rec-plugin-kmeans/);
    expect(doctor.out).toMatch(/not loaded:\s+rec-plugin-broken .*\[E_PLUGIN\] — Plugin rec-plugin-broken could not be loaded .*broken on purpose/);
    expect(doctor.out).toMatch(/not loaded:\s+rec-plugin-future .*\[E_PLUGIN\] — Plugin rec-plugin-future declares plugin apiVersion 99; this rec supports apiVersion 1/);
    expect(doctor.out).toMatch(/not loaded:\s+rec-plugin-gone .*\[E_PLUGIN\] — rec-plugin-gone is recorded in .*package\.json but .*gone-plugin\/package\.json cannot be read/);
    expect(doctor.out).toMatch(/not loaded:\s+rec-plugin-clash .*\[E_PLUGIN_DUPLICATE\] — indexer "lsh" is registered by both "@ed2\/indexers" and "rec-plugin-clash"/);
    // every other command: one warning line per plugin left out, and it does its work with the rest
    const run = await recIn(data, tmp, 'run', '--model', 'gru4rec', '--dataset-set', 'numUsers=40', '--dataset-set', 'numItems=30', '--set', 'dim=8', '--set', 'hidden=8', '--epochs', '1', '--out', join(tmp, 'run-gru'), '--json', '--no-progress');
    expect(run.code, run.err).toBe(0);
    expect(JSON.parse(run.out).test).toHaveProperty('ndcg@10');
    for (const p of ['rec-plugin-broken', 'rec-plugin-future', 'rec-plugin-clash']) expect(run.err).toMatch(new RegExp(`warning: plugin ${p} is not loaded`));
  });
});
