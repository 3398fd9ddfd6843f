import { Args, Flags } from '@oclif/core';
import { RecError, readPluginPackageJson, type PluginPackage } from '@ed2/core';
import { BaseCommand } from '../../base-command';
import { classifyInstallSpec } from '../../compose/classify-install-spec';
import { PluginStore } from '../../compose/plugin-store';
import { runNpm } from '../../compose/run-npm';
import { describeComponents, validatePluginPackage } from '../../compose/validate-plugin-package';

/** `name`, `name@tag`, `@scope/name@tag` → { name, tag }; undefined for URLs, git forms and files. */
function registryName(spec: string): { name: string; tag?: string } | undefined {
  const m = /^((?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*)(?:@(.+))?$/.exec(spec);
  return m ? { name: m[1], ...(m[2] ? { tag: m[2] } : {}) } : undefined;
}

export default class PluginsInstall extends BaseCommand {
  static override aliases = ['plugins:add'];
  static override summary = 'Install a rec plugin: an npm package name, a folder (./path, /abs/path, file:path), a tarball or a git URL.';
  static override description = [
    'Every plugin is checked before it is recorded: a package.json with "rec": {"plugin": "./dist/plugin.js"} (no "oclif" section',
    'needed), a manifest that loads, this rec\'s apiVersion, component names that are free. A folder is linked into rec\'s',
    'plugin folder the way npm installs a folder, without running npm (nothing is fetched). A bare owner/repo is never',
    'taken for a GitHub address (write github:owner/repo). Package names, tarballs and git URLs are installed with npm into',
    'rec\'s data folder ($REC_DATA_DIR) without their peer dependencies: @ed2/*, tfjs-core, zod and tsyringe come from rec.',
    'Remove with `rec plugins uninstall <name>`.',
  ].join('\n');
  static override examples = [
    '<%= config.bin %> plugins install ./rec-plugin-kmeans',
    '<%= config.bin %> plugins install file:../rec-plugin-kmeans',
    '<%= config.bin %> plugins install rec-plugin-kmeans@0.1.0',
    '<%= config.bin %> plugins install github:someone/rec-plugin-kmeans',
  ];
  static override strict = false;
  static override args = { plugin: Args.string({ description: 'Plugin to install.', required: true }) };
  static override flags = {
    force: Flags.boolean({ char: 'f', description: 'Keep the plugin even if it does not load or clashes (rec doctor then names it and why).', default: false }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(PluginsInstall);
    const store = new PluginStore(this.config.dataDir, this.config.name);
    for (const raw of argv as string[]) {
      const spec = classifyInstallSpec(raw);
      if (spec.kind === 'folder') {
        const name = this.check(spec.root, flags.force);
        store.linkModule(name, spec.root);
        store.add({ name, type: 'user', url: `file:${spec.root}` }, `file:${spec.root}`);
        continue;
      }
      store.ensure();
      const before = store.dependencies();
      await runNpm(store.dataDir, ['install', spec.spec, '--omit=dev', '--legacy-peer-deps']);
      const after = store.dependencies();
      const reg = registryName(spec.spec);
      const name = reg?.name ?? Object.keys(after).find((k) => after[k] !== before[k]);
      if (!name || !after[name]) throw new RecError('E_PLUGIN', `npm installed ${spec.spec} but rec cannot tell under which package name`, { hint: `Look in ${store.file}, then \`rec plugins uninstall <name>\`.` });
      try {
        this.check(store.modulePath(name), flags.force);
      } catch (e) {
        await runNpm(store.dataDir, ['uninstall', name]).catch(() => undefined);
        throw e;
      }
      store.add({ name, type: 'user', ...(reg ? { tag: reg.tag ?? 'latest' } : { url: spec.spec }) }, after[name]);
    }
  }

  /** Validates the package at `root` and says what it contributes; with `force` a broken one is kept with a warning. Returns its name. */
  private check(root: string, force: boolean): string {
    let plugin: PluginPackage;
    try {
      plugin = validatePluginPackage(root, this.installedPlugins());
    } catch (e) {
      const name = force && RecError.is(e) ? readName(root) : undefined;
      if (!name) throw e;
      this.warn(`installed ${name} (${root}) although it does not load: [${(e as RecError).code}] ${(e as Error).message}`);
      return name;
    }
    this.log(`installed ${plugin.name} ${plugin.version} from ${root}: ${describeComponents(plugin) || 'no components'}`);
    return plugin.name;
  }
}

function readName(root: string): string | undefined {
  try {
    return readPluginPackageJson(root).name || undefined;
  } catch {
    return undefined;
  }
}
