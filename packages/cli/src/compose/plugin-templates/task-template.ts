import type { KindTemplate } from './kind-template';

/** `--kind task`: item index → item title, training samples only, three templates. */
export const taskTemplate: KindTemplate = {
  peers: () => ({}),
  files: (n) => ({
    'src/config.ts': `import { z } from 'zod';

/** Options of tasks:${n.component}. */
export const ${n.camel}Config = z
  .object({
    maxSamples: z.number().int().positive().optional().describe('At most this many training samples (default: one per item with a title).'),
  })
  .strict();
export type ${n.className}Config = z.output<typeof ${n.camel}Config>;
`,
    [`src/${n.fileStem}.ts`]: `import { indexText, type Corpus, type InstructionSample, type InstructionTask, type TaskContext, type TaskRequirement } from '@ed2/core';
import type { ${n.className}Config } from './config';

const TEMPLATES = [
  { id: '${n.component}-1', prompt: 'What is the title of item {index}?', response: '{title}' },
  { id: '${n.component}-2', prompt: 'Name the product behind {index}.', response: '{title}' },
  { id: '${n.component}-3', prompt: 'Item {index} is called', response: '{title}' },
] as const;

/**
 * Instruction task: an item's index tokens → its title (training samples only; a seeded template per item).
 * Replace TEMPLATES and samples() with your task; requires() says what the corpus must have.
 */
export class ${n.className} implements InstructionTask {
  readonly name = '${n.component}';
  readonly templates = TEMPLATES.map((t) => t.id);

  constructor(private readonly config: ${n.className}Config) {}

  requires(corpus: Corpus): TaskRequirement {
    return corpus.items.some((i) => i.title) ? { ok: true } : { ok: false, reason: 'no item has a title' };
  }

  *samples(ctx: TaskContext): Iterable<InstructionSample> {
    if (ctx.part !== 'train') return;
    let made = 0;
    for (const item of ctx.corpus.items) {
      if (!item.title) continue;
      if (this.config.maxSamples !== undefined && made >= this.config.maxSamples) return;
      const t = TEMPLATES[ctx.rng.int(TEMPLATES.length)];
      const fill = (s: string) => s.replace('{index}', indexText(ctx.index.item, item.id)).replace('{title}', item.title!);
      made++;
      yield { task: this.name, template: t.id, prompt: fill(t.prompt), response: fill(t.response), split: 'train', item: item.id };
    }
  }
}
`,
    'src/plugin.ts': `import { PLUGIN_API_VERSION, definePlugin, type PluginManifest } from '@ed2/core';
import { ${n.camel}Config } from './config';
import { ${n.className} } from './${n.fileStem}';

const manifest: PluginManifest = {
  meta: { name: '${n.packageName}', version: '0.1.0', apiVersion: PLUGIN_API_VERSION },
  tasks: {
    '${n.component}': definePlugin({
      summary: "Item index → item title (training samples only).",
      config: ${n.camel}Config,
      create: (_scope, config) => new ${n.className}(config),
    }),
  },
};
export default manifest;
`,
    [`src/${n.fileStem}.test.ts`]: `import { Rng } from '@ed2/core';
import { manifestContract, taskContract, tinyTaskContext } from '@ed2/core/testing';
import { describe, expect, it } from 'vitest';
import { ${n.camel}Config } from './config';
import { ${n.className} } from './${n.fileStem}';
import manifest from './plugin';

manifestContract(manifest);
taskContract('${n.component}', () => new ${n.className}(${n.camel}Config.parse({})));

describe('${n.component}', () => {
  it("writes the item's index tokens in the prompt and its title as the response", () => {
    const ctx = { ...tinyTaskContext(), rng: new Rng(1) };
    const samples = [...new ${n.className}(${n.camel}Config.parse({ maxSamples: 2 })).samples(ctx)];
    expect(samples.length).toBe(2);
    // tinyTaskContext: item 0 is "Nickel Guitar Strings" with index <a_0><b_0>, item 1 "Brass Capo" with <a_1><b_0>
    expect(samples.map((s) => s.response)).toEqual(['Nickel Guitar Strings', 'Brass Capo']);
    expect(samples[0].prompt).toContain('<a_0><b_0>');
    expect(samples[1].prompt).toContain('<a_1><b_0>');
  });
});
`,
  }),
};
