#!/usr/bin/env node
// Root postinstall: (a) native tfjs-node addon present? else its own install (fast-fail download),
// (b) else build it against the TensorFlow C library from the tensorflow-cpu pip wheel, (c) else warn
// (wasm/cpu fallback), (d) build the TypeScript, (e) the torch backbone's Python venv. Never fails the install.
// Quiet on success; logs step times.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const log = (m) => console.log(`[postinstall] ${m}`);
function step(name, fn) {
  const t0 = Date.now();
  try {
    return fn();
  } finally {
    log(`${name}: ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  }
}
function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: 'pipe', timeout: 600_000, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${(r.stderr || r.error?.message || '').slice(-2000)}`);
  return r.stdout;
}
function addonLoads(pkgDir) {
  const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(pkgDir)})`], { stdio: 'pipe', timeout: 60_000 });
  return r.status === 0;
}

function buildFromWheel(pkgDir) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-wheel-'));
  run('python3', ['-m', 'pip', 'download', '-q', '--no-deps', '--only-binary=:all:', 'tensorflow-cpu==2.21.*', '-d', tmp], { timeout: 300_000 });
  const wheel = fs.readdirSync(tmp).find((f) => f.endsWith('.whl'));
  if (!wheel) throw new Error('pip downloaded no wheel');
  const ex = path.join(tmp, 'x');
  run('python3', ['-c', `import zipfile,sys
z=zipfile.ZipFile(sys.argv[1])
z.extractall(sys.argv[2],[n for n in z.namelist() if n.startswith(('tensorflow/libtensorflow','tensorflow/include/tensorflow/','tensorflow/include/xla/','tensorflow/include/tsl/'))])`,
    path.join(tmp, wheel), ex]);
  const deps = path.join(pkgDir, 'deps');
  fs.rmSync(deps, { recursive: true, force: true });
  fs.mkdirSync(path.join(deps, 'lib'), { recursive: true });
  fs.cpSync(path.join(ex, 'tensorflow/include'), path.join(deps, 'include'), { recursive: true });
  const libs = fs.readdirSync(path.join(ex, 'tensorflow')).filter((f) => f.startsWith('libtensorflow'));
  for (const f of libs) fs.copyFileSync(path.join(ex, 'tensorflow', f), path.join(deps, 'lib', f));
  // binding.gyp links -ltensorflow -ltensorflow_framework; the wheel ships the C API inside libtensorflow_cc.
  const link = (target, name) => {
    const p = path.join(deps, 'lib', name);
    if (!fs.existsSync(p)) fs.symlinkSync(target, p);
  };
  const cc = libs.find((f) => /^libtensorflow_cc\.so\.\d+$/.test(f));
  const fw = libs.find((f) => /^libtensorflow_framework\.so\.\d+$/.test(f));
  if (!cc || !fw) throw new Error(`wheel lacks libtensorflow_cc/_framework (found ${libs.join(', ')})`);
  for (const n of ['libtensorflow.so', 'libtensorflow.so.2']) link(cc, n);
  link(fw, 'libtensorflow_framework.so');
  const pregyp = require.resolve('@mapbox/node-pre-gyp/bin/node-pre-gyp', { paths: [pkgDir, root] });
  // node-gyp needs node headers; use the system ones when npm did not pass a nodedir (no network here).
  const env = { ...process.env };
  if (!env.npm_config_nodedir && fs.existsSync('/usr/include/node/node_api.h')) env.npm_config_nodedir = '/usr';
  run(process.execPath, [pregyp, 'install', '--build-from-source'], { cwd: pkgDir, env });
  fs.rmSync(tmp, { recursive: true, force: true });
}

function nativeAddon(pkgName) {
  let pkgDir;
  try {
    pkgDir = path.dirname(require.resolve(`${pkgName}/package.json`, { paths: [root] }));
  } catch {
    return; // not installed: nothing to do (tfjs-node-gpu is optional)
  }
  if (addonLoads(pkgDir)) return;
  const ok = step(`${pkgName} own install`, () => {
    try {
      run(process.execPath, ['scripts/install.js'], { cwd: pkgDir, timeout: 30_000 });
      return addonLoads(pkgDir);
    } catch {
      return false;
    }
  });
  if (ok) return;
  if (pkgName.endsWith('-gpu')) return log(`WARNING: ${pkgName} addon unavailable (needs CUDA + its download); using other backends`);
  try {
    step(`${pkgName} build from tensorflow-cpu wheel`, () => buildFromWheel(pkgDir));
    if (!addonLoads(pkgDir)) throw new Error('built addon does not load');
  } catch (e) {
    log(`WARNING: native TensorFlow backend unavailable (${String(e.message).split('\n')[0]}); falling back to wasm/cpu`);
  }
}

for (const pkg of ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']) nativeAddon(pkg);

// (e) The `torch` backbone's Python side (issue 16): `.venv` with the worker's pinned requirements, so that `npm test`
// passes on a fresh machine. Skipped with REC_NO_TORCH=1 (the torch tests then fail naming what is missing).
// Where pip's configuration names a local file:// index and no index is forced, that index is used: on machines
// with a local wheel store and no route to pypi.org, pip would otherwise retry pypi.org for every package.
function torchVenv() {
  if (process.env.REC_NO_TORCH === '1') return log('torch venv: skipped (REC_NO_TORCH=1)');
  const req = path.join(root, 'packages/backbones/python/ed2_torch_worker/requirements.txt');
  if (!fs.existsSync(req)) return;
  const py = path.join(root, '.venv/bin/python');
  try {
    step('torch venv (.venv)', () => {
      if (!fs.existsSync(py)) run('python3', ['-m', 'venv', path.join(root, '.venv')], { timeout: 120_000 });
      const args = ['-m', 'pip', 'install', '-q', '--disable-pip-version-check', '-r', req];
      if (!process.env.PIP_INDEX_URL) {
        const cfg = spawnSync('python3', ['-m', 'pip', 'config', 'list'], { encoding: 'utf8', timeout: 30_000 }).stdout ?? '';
        const local = /file:\/\/[^\s']+/.exec(cfg)?.[0];
        if (local) args.push('--index-url', local);
      }
      run(py, args, { timeout: 900_000 });
    });
  } catch (e) {
    log(`WARNING: torch backbone's Python side not installed (${String(e.message).split('\n')[0].slice(0, 300)}); \`--backbone torch:…\` and its tests need: python3 -m venv .venv && .venv/bin/pip install -r packages/backbones/python/ed2_torch_worker/requirements.txt`);
  }
}
torchVenv();
step('tsc -b tsconfig.build.json', () => {
  try {
    run(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [root] }), '-b', 'tsconfig.build.json'], { cwd: root });
  } catch (e) {
    log(`WARNING: TypeScript build failed (npx rec will not work until fixed):\n${e.message}`);
  }
});
