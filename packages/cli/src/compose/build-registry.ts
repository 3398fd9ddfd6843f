import { PluginRegistry, RecError, loadPluginManifest, type PluginPackageJson } from '@ed2/core';
import { FIRST_PARTY_PLUGINS } from './first-party-plugins';

/** What we need from an installed oclif plugin: its root folder and package.json. */
export interface InstalledPlugin {
  readonly name: string;
  readonly root: string;
  readonly pjson: PluginPackageJson;
}

/** An installed plugin that was left out of the registry, and why (shown by `rec doctor`). */
export interface PluginProblem {
  readonly plugin: string;
  readonly root: string;
  readonly code: string;
  readonly reason: string;
  readonly hint?: string;
}

export interface RegistryReport {
  readonly registry: PluginRegistry;
  /** Installed rec plugins that were registered: package name → version. */
  readonly loaded: readonly { readonly name: string; readonly version: string; readonly root: string }[];
  readonly problems: readonly PluginProblem[];
}

/**
 * The registry of one `rec` process: the first-party plugins, then every installed oclif plugin whose
 * package.json has `"rec": {"plugin": "./dist/plugin.js"}` (installed with `rec plugins install` or
 * linked with `rec plugins link`). A plugin that fails to load, declares another `apiVersion` or clashes with
 * an earlier plugin's names is left out and reported in `problems`, by name and reason; the others still load.
 */
export function buildRegistryReport(installed: Iterable<InstalledPlugin> = []): RegistryReport {
  const registry = new PluginRegistry();
  for (const m of FIRST_PARTY_PLUGINS) registry.register(m);
  const loaded: { name: string; version: string; root: string }[] = [];
  const problems: PluginProblem[] = [];
  for (const p of installed) {
    if (!p.pjson.rec?.plugin) continue;
    try {
      const plugin = loadPluginManifest(p.root, p.pjson);
      registry.register(plugin.manifest);
      loaded.push({ name: p.name, version: plugin.version, root: p.root });
    } catch (e) {
      const err = RecError.is(e) ? e : new RecError('E_PLUGIN', `Plugin ${p.name}: ${(e as Error).message}`, { cause: e });
      problems.push({ plugin: p.name, root: p.root, code: err.code, reason: err.message, ...(err.hint ? { hint: err.hint } : {}) });
    }
  }
  return { registry, loaded, problems };
}

/** `buildRegistryReport(installed).registry`: the plugins that loaded (see `buildRegistryReport` for the others). */
export function buildRegistry(installed: Iterable<InstalledPlugin> = []): PluginRegistry {
  return buildRegistryReport(installed).registry;
}
