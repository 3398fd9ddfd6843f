import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Args, Flags } from '@oclif/core';
import { RecError } from '@ed2/core';
import { BaseCommand } from '../../base-command';
import { SCAFFOLD_KINDS, scaffoldPlugin, type ScaffoldKind, type ScaffoldVersions } from '../../compose/scaffold-plugin';

/** The versions this rec runs with (the scaffold's peer dependencies); test tools pinned to the ones rec is tested with. */
function versions(): ScaffoldVersions {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- package.json versions of rec's own dependencies
  const v = (p: string) => (require(`${p}/package.json`) as { version: string }).version;
  return { core: v('@ed2/core'), tfjs: v('@tensorflow/tfjs-core'), zod: v('zod').replace(/^(\d+\.\d+)\..*$/, '$1.0'), tsyringe: v('tsyringe'), vitest: '~3.2.4', typescript: '~5.9.3' };
}

export default class PluginsNew extends BaseCommand {
  static override summary = 'Create a new plugin package (manifest, config schema, component, contract test, README, changeset).';
  static override description = [
    'Writes <dir>/<name without scope>/ with package.json ("rec": {"plugin": "./dist/plugin.js"}, "oclif": {}), src/config.ts',
    '(zod schema), the component class, src/plugin.ts (the manifest), a vitest test running the @ed2/core/testing contract',
    'suite of its kind, README.md and a changeset. `npm install && npm test` passes as generated; `npm run build` then',
    '`rec plugins link .` makes rec use it.',
  ].join('\n');
  static override examples = ['<%= config.bin %> plugins new rec-plugin-quantile --kind indexer', '<%= config.bin %> plugins new @acme/rec-plugin-pop --kind recommender --dir ~/code'];
  static override args = { name: Args.string({ description: 'npm package name, e.g. rec-plugin-quantile (the component is named after it: quantile).', required: true }) };
  static override flags = {
    kind: Flags.string({ description: 'What the plugin contributes.', options: [...SCAFFOLD_KINDS], required: true }),
    dir: Flags.string({ description: 'Parent folder of the new package.', default: '.' }),
    force: Flags.boolean({ description: 'Write into an existing, non-empty folder (overwriting the generated files).', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(PluginsNew);
    const { names, files } = scaffoldPlugin(args.name, flags.kind as ScaffoldKind, versions());
    const root = resolve(flags.dir, args.name.replace(/^@[^/]+\//, ''));
    if (existsSync(root) && readdirSync(root).length > 0 && !flags.force) {
      throw new RecError('E_CONFIG', `${root} already exists and is not empty`, { hint: 'Pick another --dir or name, or pass --force to overwrite the generated files.' });
    }
    for (const [path, content] of Object.entries(files)) {
      const file = join(root, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
    this.log(`created ${names.packageName} in ${root}: ${names.kind === 'metric' ? 'metrics' : `${names.kind}s`}:${names.component} (${names.className})`);
    this.log(`next: cd ${root} && npm install && npm test && npm run build && rec plugins link .`);
  }
}
