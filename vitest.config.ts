import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

const packages = ['core', 'eval', 'indexers', 'backbones', 'tasks', 'baselines', 'generative', 'cli'];

// Tests run on the TypeScript sources: `@ed2/x` → packages/x/src/index.ts, `@ed2/x/plugin` →
// packages/x/src/plugin.ts, `@ed2/core/testing` → packages/core/src/testing/index.ts.
const alias = [
  { find: /^@ed2\/core\/testing$/, replacement: resolve(__dirname, 'packages/core/src/testing/index.ts') },
  ...packages.flatMap((p) => [
    { find: new RegExp(`^@ed2/${p}/plugin$`), replacement: resolve(__dirname, `packages/${p}/src/plugin.ts`) },
    { find: new RegExp(`^@ed2/${p}$`), replacement: resolve(__dirname, `packages/${p}/src/index.ts`) },
  ]),
];

const common = {
  setupFiles: [resolve(__dirname, 'test/setup.ts')],
  testTimeout: 120_000,
  hookTimeout: 120_000,
  pool: 'forks' as const,
};

export default defineConfig({
  resolve: { alias },
  test: {
    reporters: ['default'],
    projects: [
      ...packages.map((p) => ({
        resolve: { alias },
        test: { ...common, name: p, root: resolve(__dirname, `packages/${p}`), include: ['src/**/*.test.ts'] },
      })),
      { resolve: { alias }, test: { ...common, name: 'e2e', root: resolve(__dirname, 'test'), include: ['**/*.test.ts'] } },
    ],
  },
});
