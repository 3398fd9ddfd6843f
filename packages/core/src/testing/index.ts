// Shared vitest contract suites for plugins: import from '@ed2/core/testing' in *.test.ts files only.
// These modules import 'vitest' (ESM-only): inside this repo vitest maps @ed2/core/testing to the sources.
// The built @ed2/core is CommonJS, so its require('vitest') fails in an outside plugin package (inlining it with
// `server.deps.inline` does not help: vite leaves require() alone). The setup file `rec plugins new` writes
// (test/setup.ts) hands require('vitest') the ESM instance of the test run; copy it into an existing package.
// Others append their own suites' exports below (one `export * from './x';` line each).
export * from './recommender-contract';
export * from './manifest-contract';
export * from './indexer-contract';
export * from './task-contract';
export * from './dataset-contract';
export * from './backbone-contract';
