// Bundles bench-speed.ts with esbuild (the @ed2/* workspace sources inlined, every npm package left to
// require(), so tfjs-core, tfjs-node and the gradients share one CommonJS copy) and runs it with the arguments.
const { build } = require('esbuild');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const root = path.resolve(__dirname, '../../..');
const src = (pkg, file = 'index.ts') => path.join(root, 'packages', pkg, 'src', file);
const aliases = {
  '@ed2/core': src('core'),
  '@ed2/baselines': src('baselines'),
  '@ed2/eval': src('eval'),
};
const out = path.join(require('node:os').tmpdir(), `bench-speed-${process.pid}.js`);
build({
  entryPoints: [path.join(__dirname, 'bench-speed.ts')],
  bundle: true, platform: 'node', format: 'cjs', outfile: out, logLevel: 'warning', target: 'node20',
  plugins: [{
    name: 'workspace-only',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (a) => (aliases[a.path] ? { path: aliases[a.path] } : { path: a.path, external: true }));
    },
  }],
}).then(() => {
  const r = spawnSync(process.execPath, [out, ...process.argv.slice(2)], { stdio: 'inherit', cwd: root, env: { ...process.env, NODE_PATH: path.join(root, 'node_modules') } });
  require('node:fs').rmSync(out, { force: true });
  process.exit(r.status ?? 1);
});
