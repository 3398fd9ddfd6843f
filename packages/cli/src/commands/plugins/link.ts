import { Args, Flags } from '@oclif/core';
import { RecError, pluginPathRoot, readPluginPackageJson } from '@ed2/core';
import { BaseCommand } from '../../base-command';
import { PluginStore } from '../../compose/plugin-store';
import { describeComponents, validatePluginPackage } from '../../compose/validate-plugin-package';

export default class PluginsLink extends BaseCommand {
  static override summary = 'Link a plugin folder into rec (for development: rebuilds are picked up).';
  static override description = [
    'The folder holds a package.json with "name" and "rec": {"plugin": "./dist/plugin.js"} (the module that default-exports',
    'the plugin manifest; no "oclif" section is needed). The manifest is loaded and checked first (apiVersion, schemas, name',
    'clashes with the installed components); nothing is installed with npm: the plugin\'s own dependencies must already',
    'resolve from its folder. --force links a plugin that does not load yet (rec doctor then names it and why).',
  ].join('\n');
  static override examples = ['<%= config.bin %> plugins link ./rec-plugin-kmeans', '<%= config.bin %> plugins link . --force'];
  static override args = { path: Args.string({ description: 'Folder of the plugin package.', default: '.' }) };
  static override flags = {
    force: Flags.boolean({ description: 'Link even if the plugin does not load or clashes (it is then reported by rec doctor).', default: false }),
    install: Flags.boolean({ description: 'Accepted for compatibility with oclif; rec never runs npm when linking.', allowNo: true, default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(PluginsLink);
    const root = pluginPathRoot(args.path);
    const store = new PluginStore(this.config.dataDir, this.config.name);
    try {
      const plugin = validatePluginPackage(root, this.installedPlugins());
      store.add({ name: plugin.name, type: 'link', root });
      this.log(`linked ${plugin.name} ${plugin.version} (${root}): ${describeComponents(plugin) || 'no components'}`);
    } catch (e) {
      const pjsonName = readName(root);
      if (!flags.force || !RecError.is(e) || !pjsonName) throw e;
      store.add({ name: pjsonName, type: 'link', root });
      this.warn(`linked ${pjsonName} (${root}) although it does not load: [${e.code}] ${e.message}`);
    }
  }
}

function readName(root: string): string | undefined {
  try {
    return readPluginPackageJson(root).name || undefined;
  } catch {
    return undefined;
  }
}
