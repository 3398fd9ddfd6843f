// Shared vitest contract suites for plugins: import from '@ed2/core/testing' in *.test.ts files only.
// These modules import 'vitest' (ESM-only): inside this repo vitest maps @ed2/core/testing to the sources;
// an outside plugin package using the built @ed2/core must add `test.server.deps.inline: ['@ed2/core']`
// to its vitest config so the import is transformed rather than require()d.
// Others append their own suites' exports below (one `export * from './x';` line each).
export * from './recommender-contract';
export * from './manifest-contract';
export * from './indexer-contract';
export * from './task-contract';
export * from './dataset-contract';
export * from './backbone-contract';
