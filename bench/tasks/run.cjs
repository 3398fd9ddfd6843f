// Bundles bench-tasks.ts with esbuild (workspace sources, tfjs external) and runs it with the given arguments.
const { buildSync } = require('esbuild');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const root = path.resolve(__dirname, '../..');
const out = path.join(require('node:os').tmpdir(), `bench-tasks-${process.pid}.js`);
buildSync({
  entryPoints: [path.join(__dirname, 'bench-tasks.ts')],
  bundle: true, platform: 'node', format: 'cjs', outfile: out, logLevel: 'warning',
  // one ESM copy of tfjs-core for core, gradients and the JS backends (a CJS/ESM mix would split the kernel registry)
  external: ['@tensorflow/tfjs-node', 'reflect-metadata'],
  mainFields: ['module', 'main'],
  alias: { '@ed2/core': path.join(root, 'packages/core/src/index.ts'), '@ed2/tasks/plugin': path.join(root, 'packages/tasks/src/plugin.ts'), '@ed2/tasks': path.join(root, 'packages/tasks/src/index.ts') },
  nodePaths: [path.join(root, 'node_modules')],
});
const r = spawnSync(process.execPath, [out, ...process.argv.slice(2)], { stdio: 'inherit', cwd: root, env: { ...process.env, NODE_PATH: path.join(root, 'node_modules') } });
process.exit(r.status ?? 1);
