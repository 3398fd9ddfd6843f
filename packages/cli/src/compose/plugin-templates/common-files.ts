import { PLUGIN_API_VERSION } from '@ed2/core';
import type { TemplateNames } from './template-names';

/** Versions the scaffold pins (this rec's own). */
export interface ScaffoldVersions {
  readonly core: string;
  readonly tfjs: string;
  readonly zod: string;
  readonly tsyringe: string;
  readonly vitest: string;
  readonly typescript: string;
}

const KIND_SUMMARY: Record<TemplateNames['kind'], string> = {
  indexer: 'an item/user indexer (entity representations → index tokens)',
  task: 'an instruction task (prompt/response samples for generative models)',
  backbone: 'an LLM backbone (a custom-size LLaMA)',
  recommender: 'a recommender `rec run --model` can train and evaluate',
  dataset: 'a dataset loader',
  metric: 'a ranking metric',
};

/** The files every scaffolded plugin has, whatever its kind. */
export function commonFiles(n: TemplateNames, v: ScaffoldVersions, extraPeers: Readonly<Record<string, string>>): Record<string, string> {
  const peers = { '@ed2/core': `^${v.core}`, ...extraPeers, '@tensorflow/tfjs-core': v.tfjs, tsyringe: `^${v.tsyringe}`, zod: `^${v.zod}` };
  const pjson = {
    name: n.packageName,
    version: '0.1.0',
    description: `rec plugin: ${KIND_SUMMARY[n.kind]} (${n.component}).`,
    license: 'Apache-2.0',
    keywords: ['rec-plugin', 'ed2'],
    main: './dist/plugin.js',
    types: './dist/plugin.d.ts',
    files: ['dist', 'README.md'],
    rec: { plugin: './dist/plugin.js' },
    oclif: {},
    scripts: { build: 'tsc -p tsconfig.json', test: 'vitest run', prepare: 'tsc -p tsconfig.json' },
    peerDependencies: peers,
    devDependencies: { ...peers, 'reflect-metadata': '^0.2.2', '@types/node': '^20.0.0', typescript: v.typescript, vitest: v.vitest },
  };
  return {
    'package.json': `${JSON.stringify(pjson, null, 2)}\n`,
    'tsconfig.json': `${JSON.stringify(
      {
        compilerOptions: { target: 'ES2022', lib: ['ES2022'], module: 'Node16', moduleResolution: 'Node16', strict: true, esModuleInterop: true, skipLibCheck: true, declaration: true, outDir: 'dist', rootDir: 'src', types: ['node'] },
        include: ['src'],
        exclude: ['src/**/*.test.ts'],
      },
      null,
      2,
    )}\n`,
    'vitest.config.mjs': `import { defineConfig } from 'vitest/config';

// Tests run on the TypeScript sources; test/setup.ts selects the tensor backend and lets @ed2/core/testing load.
export default defineConfig({ test: { setupFiles: ['./test/setup.ts'], testTimeout: 60_000, hookTimeout: 60_000 } });
`,
    'test/setup.ts': `import 'reflect-metadata';
import Module from 'node:module';
import * as vitest from 'vitest';
import { initBackend, type BackendName } from '@ed2/core';

// @ed2/core/testing is CommonJS and require()s 'vitest', which loads only as ESM: hand it this ESM instance.
const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const load = loader._load;
loader._load = function (request: string, ...rest: unknown[]) {
  return request === 'vitest' ? vitest : load.call(this, request, ...rest);
};

// The backend rec uses (auto = tensorflow → wasm → cpu); REC_BACKEND=cpu to force one.
await initBackend({ backend: (process.env.REC_BACKEND ?? 'auto') as BackendName });
`,
    '.gitignore': 'node_modules\ndist\n',
    '.changeset/config.json': `${JSON.stringify({ $schema: 'https://unpkg.com/@changesets/config@3.1.1/schema.json', changelog: '@changesets/cli/changelog', commit: false, access: 'public', baseBranch: 'main' }, null, 2)}\n`,
    '.changeset/initial-release.md': `---
"${n.packageName}": minor
---

First release: the \`${n.kind === 'metric' ? 'metrics' : `${n.kind}s`}:${n.component}\` component for rec (plugin apiVersion ${PLUGIN_API_VERSION}).
`,
    'README.md': readme(n),
  };
}

function readme(n: TemplateNames): string {
  const kindKey = n.kind === 'metric' ? 'metrics' : `${n.kind}s`;
  const use: Record<TemplateNames['kind'], string> = {
    indexer: `rec run --model ed2 --indexer ${n.component}`,
    task: `rec run --model ed2 --tasks sequential,${n.component}`,
    backbone: `rec run --model ed2 --set backbone.name=${n.component}`,
    recommender: `rec run --model ${n.component}`,
    dataset: `rec run --model sasrec --dataset ${n.component}`,
    metric: `rec components metrics ${n.component}`,
  };
  return `# ${n.packageName}

A [rec](https://github.com/) plugin contributing ${KIND_SUMMARY[n.kind]}: \`${kindKey}:${n.component}\` (class
\`${n.className}\` in \`src/${n.fileStem}.ts\`, options in \`src/config.ts\`).

## Develop

\`\`\`sh
npm install            # @ed2/core and the other peers, vitest, typescript
npm test               # the @ed2/core/testing contract suites (src/*.test.ts)
npm run build          # dist/plugin.js, the "rec".plugin entry of package.json
rec plugins link .     # rec picks up every rebuild
rec components ${kindKey} ${n.component}
${use[n.kind]}
\`\`\`

## How rec finds it

\`package.json\` names the module that default-exports the manifest:

\`\`\`json
"rec": { "plugin": "./dist/plugin.js" },
"oclif": {}
\`\`\`

rec reads only \`"rec"\`; \`"oclif": {}\` lets oclif's own plugin installer accept the package too. Install a
release with \`rec plugins install ${n.packageName}\` (or a folder, a .tgz, github:owner/repo). The manifest's \`meta.apiVersion\` is
\`PLUGIN_API_VERSION\` from \`@ed2/core\`: a rec with another plugin API lists the plugin in \`rec doctor\` as not loaded,
with the reason, and runs on without it. \`@ed2/core\` is a peer dependency: the plugin uses the copy rec runs with.

## Release

\`npx changeset\` for each user-visible change, then \`npx changeset version && npm publish\`.
`;
}
