import { Args } from '@oclif/core';
import { PLUGIN_KINDS, RecError, type PluginKind } from '@ed2/core';
import { z } from 'zod';
import { BaseCommand } from '../base-command';

export default class Components extends BaseCommand {
  static override summary = 'List the registered datasets, recommenders, indexers, backbones, tasks and metrics, or describe one.';
  static override examples = ['<%= config.bin %> components', '<%= config.bin %> components recommenders', '<%= config.bin %> components recommenders sasrec'];
  static override args = {
    kind: Args.string({ description: `One of ${PLUGIN_KINDS.join(', ')}.`, required: false }),
    name: Args.string({ description: 'Component name: prints its options.', required: false }),
  };

  async run(): Promise<void> {
    const { args } = await this.parse(Components);
    const registry = this.registry();
    if (args.kind && !(PLUGIN_KINDS as readonly string[]).includes(args.kind)) {
      throw new RecError('E_CONFIG', `Unknown component kind "${args.kind}"`, { hint: `Use one of ${PLUGIN_KINDS.join(', ')}.` });
    }
    const kind = args.kind as PluginKind | undefined;
    if (kind && args.name) {
      const e = registry.get(kind, args.name);
      this.log(`${kind}:${e.name} (from ${e.plugin}) — ${e.factory.summary}`);
      const schema = z.toJSONSchema(e.factory.config as z.ZodType, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, { default?: unknown; description?: string; type?: unknown; enum?: unknown[] }> };
      for (const [k, p] of Object.entries(schema.properties ?? {})) {
        const type = p.enum ? p.enum.map((x) => JSON.stringify(x)).join('|') : String(p.type ?? '');
        this.log(`  ${k.padEnd(16)} ${type.padEnd(10)} ${p.default !== undefined ? `default ${JSON.stringify(p.default)}  ` : ''}${p.description ?? ''}`);
      }
      return;
    }
    for (const k of kind ? [kind] : PLUGIN_KINDS) {
      const entries = registry.list(k);
      if (!entries.length) continue;
      this.log(`${k}:`);
      for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) this.log(`  ${e.name.padEnd(16)} ${e.factory.summary}  [${e.plugin}]`);
    }
  }
}
