import { Args } from '@oclif/core';
import { BaseCommand } from '../../base-command';
import { PluginStore } from '../../compose/plugin-store';
import { runPluginPluginsCommand } from '../../compose/plugin-plugins-command';

export default class PluginsUninstall extends BaseCommand {
  static override aliases = ['plugins:unlink', 'plugins:remove'];
  static override summary = 'Remove installed or linked plugins (by package name).';
  static override description =
    'Linked plugins and folder installs are removed from rec\'s plugin list without running npm; plugins installed from npm are uninstalled by @oclif/plugin-plugins.';
  static override examples = ['<%= config.bin %> plugins uninstall rec-plugin-kmeans'];
  static override strict = false;
  static override args = { plugin: Args.string({ description: 'Plugin to uninstall.', required: true }) };

  async run(): Promise<void> {
    const { argv } = await this.parse(PluginsUninstall);
    const store = new PluginStore(this.config.dataDir, this.config.name);
    for (const name of argv as string[]) {
      const entry = store.get(name) ?? store.list().find((p) => p.type === 'link' && p.root === name);
      if (entry && (entry.type === 'link' || (entry.url?.startsWith('file:') && store.isLinkedModule(entry.name)))) {
        store.unlinkModule(entry.name);
        store.remove(entry.name);
        this.log(`uninstalled ${entry.name}`);
      } else {
        await runPluginPluginsCommand(this.config, 'plugins:uninstall', [name]);
      }
    }
  }
}
