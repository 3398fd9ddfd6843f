import { join } from 'node:path';
import { PluginRegistry, RecError, type PluginManifest } from '@ed2/core';
import { FIRST_PARTY_PLUGINS } from './first-party-plugins';

/** What we need from an installed oclif plugin: its root folder and package.json. */
export interface InstalledPlugin {
  readonly name: string;
  readonly root: string;
  readonly pjson: { readonly rec?: { readonly plugin?: string } };
}

/**
 * The registry of one `rec` process: the first-party plugins, then every installed oclif plugin whose
 * package.json has `"rec": {"plugin": "./dist/plugin.js"}` (installed with `rec plugins install` or
 * linked with `rec plugins link`). A plugin that fails to load is an error naming it.
 */
export function buildRegistry(installed: Iterable<InstalledPlugin> = []): PluginRegistry {
  const registry = new PluginRegistry();
  for (const m of FIRST_PARTY_PLUGINS) registry.register(m);
  for (const p of installed) {
    const entry = p.pjson.rec?.plugin;
    if (!entry) continue;
    let manifest: PluginManifest;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(join(p.root, entry)) as { default?: PluginManifest } & PluginManifest;
      manifest = mod.default ?? mod;
    } catch (e) {
      throw new RecError('E_CONFIG', `Plugin ${p.name} could not be loaded from ${join(p.root, entry)}: ${(e as Error).message}`, {
        hint: `Rebuild it, or remove it with \`rec plugins uninstall ${p.name}\`.`,
        cause: e,
      });
    }
    registry.register(manifest);
  }
  return registry;
}
