// Bundles bench-llama.ts with esbuild (workspace sources, tfjs external) and runs it with the given arguments.
const { buildSync } = require('esbuild');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const root = path.resolve(__dirname, '../..');
const argv = process.argv.slice(2);
const native = argv[argv.indexOf('--backend') + 1] === 'tensorflow' && argv.includes('--backend');
const out = path.join(require('node:os').tmpdir(), `bench-llama-${process.pid}.js`);
buildSync({
  entryPoints: [path.join(__dirname, 'bench-llama.ts')],
  bundle: true, platform: 'node', format: 'cjs', outfile: out, logLevel: 'warning',
  // one ESM copy of tfjs-core for core, gradients and the JS backends (a CJS/ESM mix would split the kernel registry)
  // on the native backend every @tensorflow package stays external, so tfjs-node and our code share the one
  // CommonJS tfjs-core from node_modules
  external: native ? ['@tensorflow/*', 'reflect-metadata'] : ['@tensorflow/tfjs-node', 'reflect-metadata'],
  mainFields: native ? ['main'] : ['module', 'main'],
  alias: { '@ed2/core': path.join(root, 'packages/core/src/index.ts'), '@ed2/backbones': path.join(root, 'packages/backbones/src/index.ts') },
  nodePaths: [path.join(root, 'node_modules')],
});
const r = spawnSync(process.execPath, [out, ...process.argv.slice(2)], { stdio: 'inherit', cwd: root, env: { ...process.env, NODE_PATH: path.join(root, 'node_modules') } });
process.exit(r.status ?? 1);
