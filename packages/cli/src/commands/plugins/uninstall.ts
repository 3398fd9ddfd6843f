import { Args } from '@oclif/core';
import { RecError } from '@ed2/core';
import { BaseCommand } from '../../base-command';
import { PluginStore } from '../../compose/plugin-store';
import { runNpm } from '../../compose/run-npm';

export default class PluginsUninstall extends BaseCommand {
  static override aliases = ['plugins:unlink', 'plugins:remove'];
  static override summary = 'Remove installed or linked plugins (by package name, or a linked folder).';
  static override description = "Linked plugins and folder installs are removed from rec's plugin list; packages npm installed are uninstalled with npm (no audit, no network).";
  static override examples = ['<%= config.bin %> plugins uninstall rec-plugin-kmeans'];
  static override strict = false;
  static override args = { plugin: Args.string({ description: 'Plugin to uninstall.', required: true }) };

  async run(): Promise<void> {
    const { argv } = await this.parse(PluginsUninstall);
    const store = new PluginStore(this.config.dataDir, this.config.name);
    for (const name of argv as string[]) {
      const entry = store.get(name) ?? store.list().find((p) => p.type === 'link' && p.root === name);
      if (!entry) {
        throw new RecError('E_PLUGIN', `${name} is not installed (${store.list().map((p) => p.name).join(', ') || 'no plugins installed'})`, { hint: 'See `rec plugins` for the installed plugins.' });
      }
      if (entry.type === 'user' && !store.isLinkedModule(entry.name)) await runNpm(store.dataDir, ['uninstall', entry.name]);
      store.unlinkModule(entry.name);
      store.remove(entry.name);
      this.log(`uninstalled ${entry.name}`);
    }
  }
}
