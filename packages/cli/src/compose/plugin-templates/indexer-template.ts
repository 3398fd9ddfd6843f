import type { KindTemplate } from './kind-template';

/** `--kind indexer`: a frozen quantile indexer on @ed2/indexers' FrozenIndexer (codebooks, save/load, collisions). */
export const indexerTemplate: KindTemplate = {
  peers: (v) => ({ '@ed2/indexers': `^${v.core}` }),
  files: (n) => ({
    'src/config.ts': `import { z } from 'zod';

/** Options of indexers:${n.component} (validated, defaults filled, before create()). */
export const ${n.camel}Config = z
  .object({
    kind: z.enum(['item', 'user']).default('item').describe('Branch: item or user indices.'),
    prefix: z.string().optional().describe("Token prefix (default '' for items, 'u_' for users)."),
    levels: z.number().int().min(1).max(15).default(3).describe('Index length M.'),
    codebookSize: z.number().int().min(2).default(16).describe('Codes per level N.'),
    codeDim: z.number().int().positive().default(8).describe('Width D of the frozen codeword rows the LLM sees.'),
    suffixTokens: z.number().int().min(0).default(8).describe('Collision suffix tokens <p_k> always in the vocabulary.'),
    seed: z.number().int().optional().describe("Seed (default: derived from the run's seed)."),
  })
  .strict();
export type ${n.className}Config = z.output<typeof ${n.camel}Config>;
`,
    [`src/${n.fileStem}.ts`]: `import type * as tf from '@tensorflow/tfjs-core';
import { FrozenIndexer } from '@ed2/indexers';
import type { ${n.className}Config } from './config';

/**
 * Quantile indexer: level m's code is the bucket (of N equal-probability buckets of a logistic) of coordinate
 * m mod d of the entity's representation. Stateless, so save/load only keep the codebooks and the codes.
 * Replace \`codesFor\` with your method; FrozenIndexer provides codebooks, collision suffixes, stats and checkpoints.
 */
export class ${n.className} extends FrozenIndexer {
  readonly name = '${n.component}';

  constructor(config: ${n.className}Config & { readonly seed: number }) {
    super(config);
  }

  protected codesFor(x: tf.Tensor2D): Int32Array {
    const [rows, d] = x.shape;
    const v = x.dataSync();
    const codes = new Int32Array(rows * this.levels);
    for (let i = 0; i < rows; i++) {
      for (let m = 0; m < this.levels; m++) {
        const p = 1 / (1 + Math.exp(-v[i * d + (m % d)]));
        codes[i * this.levels + m] = Math.min(this.codebookSize - 1, Math.floor(p * this.codebookSize));
      }
    }
    return codes;
  }
}
`,
    'src/plugin.ts': `import { PLUGIN_API_VERSION, RecError, Tokens, definePlugin, type PluginManifest } from '@ed2/core';
import { ${n.camel}Config } from './config';
import { ${n.className} } from './${n.fileStem}';

const manifest: PluginManifest = {
  meta: { name: '${n.packageName}', version: '0.1.0', apiVersion: PLUGIN_API_VERSION },
  indexers: {
    '${n.component}': definePlugin({
      summary: 'Quantile indexer: level m = logistic-quantile bucket of coordinate m (frozen, collision suffixes).',
      config: ${n.camel}Config,
      create: (scope, config) => {
        let seed = config.seed;
        if (seed === undefined) {
          if (!scope.isRegistered(Tokens.Rng, true)) throw new RecError('E_CONFIG', 'indexer ${n.component} needs a seed', { hint: 'Set its seed option, or create it inside a run.' });
          seed = scope.resolve(Tokens.Rng).fork(\`indexer/${n.component}/\${config.kind}\`).int(2 ** 31);
        }
        return new ${n.className}({ ...config, seed });
      },
    }),
  },
};
export default manifest;
`,
    [`src/${n.fileStem}.test.ts`]: `import * as tf from '@tensorflow/tfjs-core';
import { container } from 'tsyringe';
import { PluginRegistry } from '@ed2/core';
import { clusteredPoints, indexerContract, manifestContract } from '@ed2/core/testing';
import { describe, expect, it } from 'vitest';
import { ${n.camel}Config } from './config';
import { ${n.className} } from './${n.fileStem}';
import manifest from './plugin';

manifestContract(manifest);
indexerContract('${n.component}', () => ({ indexer: new ${n.className}({ ...${n.camel}Config.parse({ levels: 2, codebookSize: 8 }), seed: 3 }), x: clusteredPoints(40, 6, 4, 1) }));

describe('${n.component}', () => {
  it('puts each coordinate in its logistic-quantile bucket (hand-computed)', async () => {
    const ix = new ${n.className}({ ...${n.camel}Config.parse({ levels: 2, codebookSize: 4 }), seed: 1 });
    // logistic(-2) = 0.12 → bucket 0, logistic(0.5) = 0.62 → 2, logistic(3) = 0.95 → 3, logistic(-0.5) = 0.38 → 1
    const x = tf.tensor2d([-2, 0.5, 3, -0.5], [2, 2]);
    expect(Array.from(await ix.assign(x))).toEqual([0, 2, 3, 1]);
    x.dispose();
    ix.dispose();
  });

  it('is created through the registry with a seed, typed as an Indexer', async () => {
    const registry = new PluginRegistry();
    registry.register(manifest);
    const ix = await registry.create('indexers', '${n.component}', container.createChildContainer(), { seed: 5 });
    expect([ix.name, ix.levels, ix.codebookSize]).toEqual(['${n.component}', 3, 16]);
    ix.dispose();
  });
});
`,
  }),
};
