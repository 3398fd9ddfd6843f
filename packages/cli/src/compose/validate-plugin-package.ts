import { PLUGIN_KINDS, RecError, loadPluginManifest, readPluginPackageJson, type PluginPackage } from '@ed2/core';
import { buildRegistryReport, type InstalledPlugin } from './build-registry';

/**
 * What `rec plugins link` / `install <folder>` check before recording a plugin: a package.json with a name and
 * `"rec": {"plugin": …}`, a manifest that loads and is valid, and no component name already taken by the
 * first-party or the other installed plugins. Errors are E_PLUGIN / E_PLUGIN_DUPLICATE naming the plugin.
 */
export function validatePluginPackage(root: string, installed: readonly InstalledPlugin[]): PluginPackage {
  const pjson = readPluginPackageJson(root);
  if (typeof pjson.name !== 'string' || pjson.name.trim() === '') {
    throw new RecError('E_PLUGIN', `${root}/package.json has no "name"`, { hint: 'Give the plugin package a name (e.g. "rec-plugin-kmeans").' });
  }
  const plugin = loadPluginManifest(root, pjson);
  const others = installed.filter((p) => p.name !== plugin.name && p.root !== root);
  buildRegistryReport(others).registry.register(plugin.manifest);
  return plugin;
}

/** `indexers: kmeans; metrics: hit` — what a plugin contributes, for the CLI's messages. */
export function describeComponents(plugin: PluginPackage): string {
  return PLUGIN_KINDS.filter((k) => Object.keys(plugin.manifest[k] ?? {}).length)
    .map((k) => `${k}: ${Object.keys(plugin.manifest[k] ?? {}).join(', ')}`)
    .join('; ');
}
