// Bundles bench-generation.ts with esbuild (workspace sources; every @tensorflow package external so tfjs-node and our
// code share the one CommonJS tfjs-core from node_modules) and runs it with the given arguments.
const { buildSync } = require('esbuild');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const root = path.resolve(__dirname, '../..');
const out = path.join(require('node:os').tmpdir(), `bench-generation-${process.pid}.js`);
buildSync({
  entryPoints: [path.join(__dirname, 'bench-generation.ts')],
  bundle: true, platform: 'node', format: 'cjs', outfile: out, logLevel: 'warning',
  external: ['@tensorflow/*', 'reflect-metadata'],
  mainFields: ['main'],
  alias: { '@ed2/core': path.join(root, 'packages/core/src/index.ts'), '@ed2/backbones': path.join(root, 'packages/backbones/src/index.ts') },
  nodePaths: [path.join(root, 'node_modules')],
});
const r = spawnSync(process.execPath, [out, ...process.argv.slice(2)], { stdio: 'inherit', cwd: root, env: { ...process.env, NODE_PATH: path.join(root, 'node_modules') } });
process.exit(r.status ?? 1);
