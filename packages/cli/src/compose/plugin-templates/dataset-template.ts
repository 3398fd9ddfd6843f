import type { KindTemplate } from './kind-template';

/** `--kind dataset`: a seeded generated corpus (replace load() with your file reader). */
export const datasetTemplate: KindTemplate = {
  peers: () => ({}),
  files: (n) => ({
    'src/config.ts': `import { z } from 'zod';

/** Options of datasets:${n.component}. */
export const ${n.camel}Config = z
  .object({
    numUsers: z.number().int().min(1).default(50).describe('Users.'),
    numItems: z.number().int().min(3).default(30).describe('Items.'),
    length: z.number().int().min(3).default(6).describe('Interactions per user.'),
    seed: z.number().int().default(1).describe('Seed of the generated sequences.'),
  })
  .strict();
export type ${n.className}Config = z.output<typeof ${n.camel}Config>;
`,
    [`src/${n.fileStem}.ts`]: `import { Rng, type Corpus, type DatasetLoader } from '@ed2/core';
import type { ${n.className}Config } from './config';

/**
 * A generated corpus: user u starts at a seeded item and walks i → i + 1 (mod numItems). Dense ids 0..n-1, one
 * sequence per user (training + validation + test items, chronological). Replace load() with your reader; throw
 * RecError('E_DATA_FORMAT', …) naming the file, the line and the fix for malformed input.
 */
export class ${n.className} implements DatasetLoader {
  readonly name = '${n.component}';

  constructor(private readonly config: ${n.className}Config) {}

  async load(): Promise<Corpus> {
    const { numUsers, numItems, length, seed } = this.config;
    const rng = new Rng(seed).fork('${n.component}');
    const sequences = Array.from({ length: numUsers }, () => {
      const start = rng.int(numItems);
      return Array.from({ length }, (_, t) => (start + t) % numItems);
    });
    return {
      name: '${n.component}',
      items: Array.from({ length: numItems }, (_, id) => ({ id, key: \`item-\${id}\`, title: \`Item \${id}\` })),
      users: Array.from({ length: numUsers }, (_, id) => ({ id, key: \`user-\${id}\` })),
      sequences,
      source: { generator: '${n.packageName}', seed },
    };
  }
}
`,
    'src/plugin.ts': `import { PLUGIN_API_VERSION, definePlugin, type PluginManifest } from '@ed2/core';
import { ${n.camel}Config } from './config';
import { ${n.className} } from './${n.fileStem}';

const manifest: PluginManifest = {
  meta: { name: '${n.packageName}', version: '0.1.0', apiVersion: PLUGIN_API_VERSION },
  datasets: {
    '${n.component}': definePlugin({
      summary: 'Generated users walking the item catalogue in order (seeded).',
      config: ${n.camel}Config,
      create: (_scope, config) => new ${n.className}(config),
    }),
  },
};
export default manifest;
`,
    [`src/${n.fileStem}.test.ts`]: `import { datasetContract, manifestContract } from '@ed2/core/testing';
import { describe, expect, it } from 'vitest';
import { ${n.camel}Config } from './config';
import { ${n.className} } from './${n.fileStem}';
import manifest from './plugin';

manifestContract(manifest);
datasetContract('${n.component}', () => new ${n.className}(${n.camel}Config.parse({ numUsers: 12, numItems: 9 })), { expect: { users: 12, items: 9, interactions: 12 * 6 } });

describe('${n.component}', () => {
  it('every user walks consecutive items, wrapping at numItems', async () => {
    const corpus = await new ${n.className}(${n.camel}Config.parse({ numUsers: 5, numItems: 4, length: 6 })).load();
    for (const seq of corpus.sequences) for (let t = 1; t < seq.length; t++) expect(seq[t]).toBe((seq[t - 1] + 1) % 4);
  });
});
`,
  }),
};
