import { Args, Flags } from '@oclif/core';
import { RecError, readPluginPackageJson } from '@ed2/core';
import { BaseCommand } from '../../base-command';
import { classifyInstallSpec } from '../../compose/classify-install-spec';
import { PluginStore } from '../../compose/plugin-store';
import { runPluginPluginsCommand } from '../../compose/plugin-plugins-command';
import { describeComponents, validatePluginPackage } from '../../compose/validate-plugin-package';

export default class PluginsInstall extends BaseCommand {
  static override aliases = ['plugins:add'];
  static override summary = 'Install a rec plugin: an npm package name, a folder (./path, /abs/path, file:path) or a git URL.';
  static override description = [
    'A folder (a package.json with "rec": {"plugin": "./dist/plugin.js"}) is checked (the manifest loads, its apiVersion is this',
    "rec's, its component names are free) and linked into rec's plugin folder the way npm installs a folder, without running",
    "npm: nothing is fetched, and the plugin's own dependencies must resolve from its folder. A bare owner/repo is never taken",
    'for a GitHub address (write github:owner/repo). Package names, git URLs and tarballs are installed with npm by',
    '@oclif/plugin-plugins. Uninstall with `rec plugins uninstall <name>`.',
  ].join('\n');
  static override examples = ['<%= config.bin %> plugins install ./rec-plugin-kmeans', '<%= config.bin %> plugins install file:../rec-plugin-kmeans', '<%= config.bin %> plugins install rec-plugin-kmeans'];
  static override strict = false;
  static override args = { plugin: Args.string({ description: 'Plugin to install.', required: true }) };
  static override flags = {
    force: Flags.boolean({ char: 'f', description: 'npm installs: refetch even if cached. Folders: install even if the plugin does not load (rec doctor then names it).', default: false }),
    silent: Flags.boolean({ char: 's', description: 'npm installs: silence npm output.', default: false }),
    verbose: Flags.boolean({ char: 'v', description: 'npm installs: verbose npm output.', default: false }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(PluginsInstall);
    const store = new PluginStore(this.config.dataDir, this.config.name);
    for (const raw of argv as string[]) {
      const spec = classifyInstallSpec(raw);
      if (spec.kind === 'npm') {
        await runPluginPluginsCommand(this.config, 'plugins:install', [spec.spec, ...(flags.force ? ['--force'] : []), ...(flags.silent ? ['--silent'] : []), ...(flags.verbose ? ['--verbose'] : [])]);
        continue;
      }
      try {
        const plugin = validatePluginPackage(spec.root, this.installedPlugins());
        store.linkModule(plugin.name, spec.root);
        store.add({ name: plugin.name, type: 'user', url: `file:${spec.root}` }, `file:${spec.root}`);
        this.log(`installed ${plugin.name} ${plugin.version} from ${spec.root}: ${describeComponents(plugin) || 'no components'}`);
      } catch (e) {
        if (!flags.force || !RecError.is(e)) throw e;
        const name = readPluginPackageJson(spec.root).name;
        if (!name) throw e;
        store.linkModule(name, spec.root);
        store.add({ name, type: 'user', url: `file:${spec.root}` }, `file:${spec.root}`);
        this.warn(`installed ${name} (${spec.root}) although it does not load: [${e.code}] ${e.message}`);
      }
    }
  }
}
