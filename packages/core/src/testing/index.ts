// Shared vitest contract suites for plugins: import from '@ed2/core/testing' in *.test.ts files only.
// Others append their own suites' exports below (one `export * from './x';` line each).
export * from './recommender-contract';
export * from './manifest-contract';
