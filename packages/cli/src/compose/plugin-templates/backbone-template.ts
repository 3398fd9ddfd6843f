import type { KindTemplate } from './kind-template';

/** `--kind backbone`: a custom-size LLaMA built with @ed2/backbones (word vocabulary from the run's texts). */
export const backboneTemplate: KindTemplate = {
  peers: (v) => ({ '@ed2/backbones': `^${v.core}` }),
  files: (n) => ({
    'src/config.ts': `import { z } from 'zod';

/** Options of backbones:${n.component}. */
export const ${n.camel}Config = z
  .object({
    dim: z.number().int().positive().default(32).describe('Model width d.'),
    nLayers: z.number().int().positive().default(2).describe('Transformer blocks.'),
    nHeads: z.number().int().positive().default(2).describe('Attention heads (dim must divide by it).'),
    hiddenDim: z.number().int().positive().default(64).describe('SwiGLU inner width.'),
    maxSeqLen: z.number().int().positive().default(256).describe('Longest sequence.'),
    seed: z.number().int().optional().describe("Seed of the random init (default: derived from the run's seed)."),
  })
  .strict();
export type ${n.className}Config = z.output<typeof ${n.camel}Config>;
`,
    [`src/${n.fileStem}.ts`]: `import type { Backbone } from '@ed2/core';
import { LlamaBackboneConfig, createLlamaBackbone } from '@ed2/backbones';
import type { ${n.className}Config } from './config';

/**
 * A LLaMA of the configured size, randomly initialised (seeded) and fully trained, with a word vocabulary learnt
 * from \`texts\` (the run's prompts and entity texts). Swap in your own Backbone implementation here: the
 * backbone contract suite in the test says what it must do.
 */
export async function create${n.className}(config: ${n.className}Config & { readonly seed: number }, texts: () => Iterable<string>): Promise<Backbone> {
  const { dim, nLayers, nHeads, hiddenDim, maxSeqLen, seed } = config;
  const llama = LlamaBackboneConfig.parse({ model: { dim, nLayers, nHeads, nKvHeads: nHeads, hiddenDim, maxSeqLen }, finetune: 'full', seed });
  return createLlamaBackbone(llama, { seed, texts });
}
`,
    'src/plugin.ts': `import { PLUGIN_API_VERSION, RecError, Tokens, definePlugin, type PluginManifest } from '@ed2/core';
import { ${n.camel}Config } from './config';
import { create${n.className} } from './${n.fileStem}';

const manifest: PluginManifest = {
  meta: { name: '${n.packageName}', version: '0.1.0', apiVersion: PLUGIN_API_VERSION },
  backbones: {
    '${n.component}': definePlugin({
      summary: 'A custom-size LLaMA (random init, full fine-tuning, word vocabulary from the run texts).',
      config: ${n.camel}Config,
      create: (scope, config) => {
        if (!scope.isRegistered(Tokens.BackboneTexts, true)) throw new RecError('E_CONFIG', 'backbone ${n.component} needs the texts to learn its vocabulary from', { hint: 'Create it inside a run, or register Tokens.BackboneTexts.' });
        let seed = config.seed;
        if (seed === undefined) {
          if (!scope.isRegistered(Tokens.Rng, true)) throw new RecError('E_CONFIG', 'backbone ${n.component} needs a seed', { hint: 'Set its seed option, or create it inside a run.' });
          seed = scope.resolve(Tokens.Rng).fork('backbone/${n.component}').int(2 ** 31);
        }
        return create${n.className}({ ...config, seed }, scope.resolve(Tokens.BackboneTexts));
      },
    }),
  },
};
export default manifest;
`,
    [`src/${n.fileStem}.test.ts`]: `import { container } from 'tsyringe';
import { PluginRegistry, Tokens } from '@ed2/core';
import { backboneContract, manifestContract } from '@ed2/core/testing';
import { describe, expect, it } from 'vitest';
import { ${n.camel}Config } from './config';
import { create${n.className} } from './${n.fileStem}';
import manifest from './plugin';

const texts = () => ['the red ball', 'a blue car', 'the red car'];

manifestContract(manifest);
backboneContract('${n.component}', () => create${n.className}({ ...${n.camel}Config.parse({ dim: 16, hiddenDim: 24, maxSeqLen: 64 }), seed: 7 }, texts));

describe('${n.component}', () => {
  it('is created through the registry with the configured width, typed as a Backbone', async () => {
    const registry = new PluginRegistry();
    registry.register(manifest);
    const scope = container.createChildContainer();
    scope.register(Tokens.BackboneTexts, { useValue: texts });
    const bb = await registry.create('backbones', '${n.component}', scope, { dim: 16, hiddenDim: 24, seed: 1 });
    expect(bb.dim).toBe(16);
    expect(bb.decode(bb.tokenize('the red car'))).toBe('the red car');
    bb.dispose();
  });
});
`,
  }),
};
