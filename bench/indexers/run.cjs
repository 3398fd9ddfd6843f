// Bundles bench-indexers.ts with esbuild (workspace sources; every @tensorflow/* package external, so one
// CommonJS copy of tfjs-core serves core, the indexers and the native backend) and runs it.
//   node bench/indexers/run.cjs [--epochs 20] [--backend auto] [--only random|scientific] [--out bench/indexers/results.json]
const { buildSync } = require('esbuild');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const root = path.resolve(__dirname, '../..');
const out = path.join(require('node:os').tmpdir(), `bench-indexers-${process.pid}.js`);
buildSync({
  entryPoints: [path.join(__dirname, 'bench-indexers.ts')],
  bundle: true, platform: 'node', format: 'cjs', outfile: out, logLevel: 'warning',
  external: ['@tensorflow/*', 'reflect-metadata'],
  alias: { '@ed2/core': path.join(root, 'packages/core/src/index.ts'), '@ed2/indexers': path.join(root, 'packages/indexers/src/index.ts') },
  nodePaths: [path.join(root, 'node_modules')],
});
const r = spawnSync(process.execPath, [out, ...process.argv.slice(2)], { stdio: 'inherit', cwd: root, env: { ...process.env, NODE_PATH: path.join(root, 'node_modules') } });
process.exit(r.status ?? 1);
