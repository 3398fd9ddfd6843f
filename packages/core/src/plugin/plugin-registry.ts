import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { closestNames } from '../errors/closest-names';
import { RecError } from '../errors/rec-error';
import { formatZodError } from '../config/format-zod-error';
import { checkProduct } from './check-product';
import type { PluginKindTypes } from './plugin-kind-types';
import { PLUGIN_API_VERSION, PLUGIN_KINDS, type PluginFactory, type PluginKind, type PluginManifest } from './plugin-manifest';

const KIND_SINGULAR: Record<PluginKind, string> = {
  datasets: 'dataset',
  indexers: 'indexer',
  backbones: 'backbone',
  tasks: 'task',
  recommenders: 'recommender',
  metrics: 'metric',
};

export interface RegistryEntry {
  readonly kind: PluginKind;
  readonly name: string;
  readonly plugin: string;
  readonly factory: PluginFactory;
}

/**
 * All components contributed by the loaded plugins, keyed `kind:name`. Registering the same key
 * twice is an error naming both packages; asking for an unknown name lists the known ones.
 */
export class PluginRegistry {
  private readonly entries = new Map<string, RegistryEntry>();
  private readonly plugins = new Map<string, PluginManifest>();

  register(manifest: PluginManifest): void {
    const { meta } = manifest;
    if (!meta || typeof meta.name !== 'string') {
      throw new RecError('E_PLUGIN', 'Plugin manifest has no meta.name', { hint: 'Default-export { meta: { name, version, apiVersion }, ... } from ./plugin' });
    }
    if (meta.apiVersion !== PLUGIN_API_VERSION) {
      throw new RecError('E_PLUGIN', `Plugin "${meta.name}" targets plugin API ${String(meta.apiVersion)}, this rec supports ${PLUGIN_API_VERSION}`, {
        hint: `Install a version of ${meta.name} built for plugin API ${PLUGIN_API_VERSION}.`,
      });
    }
    const added = new Map<string, RegistryEntry>();
    for (const kind of PLUGIN_KINDS) {
      const group = manifest[kind];
      if (!group) continue;
      for (const [name, factory] of Object.entries(group)) {
        const key = `${kind}:${name}`;
        const existing = this.entries.get(key);
        if (existing) {
          throw new RecError('E_PLUGIN_DUPLICATE', `${KIND_SINGULAR[kind]} "${name}" is registered by both "${existing.plugin}" and "${meta.name}"`, {
            hint: 'Uninstall one of the two plugins, or rename the component in your plugin.',
          });
        }
        added.set(key, { kind, name, plugin: meta.name, factory });
      }
    }
    for (const [k, e] of added) this.entries.set(k, e);
    this.plugins.set(meta.name, manifest);
  }

  has(kind: PluginKind, name: string): boolean {
    return this.entries.has(`${kind}:${name}`);
  }

  names(kind: PluginKind): string[] {
    return [...this.entries.values()].filter((e) => e.kind === kind).map((e) => e.name).sort();
  }

  list(kind?: PluginKind): RegistryEntry[] {
    return [...this.entries.values()].filter((e) => kind === undefined || e.kind === kind);
  }

  pluginNames(): string[] {
    return [...this.plugins.keys()];
  }

  get(kind: PluginKind, name: string): RegistryEntry {
    const e = this.entries.get(`${kind}:${name}`);
    if (!e) {
      const known = this.names(kind);
      const near = closestNames(name, known);
      throw new RecError(
        'E_PLUGIN_UNKNOWN',
        `Unknown ${KIND_SINGULAR[kind]} "${name}". Known ${kind}: ${known.length ? known.join(', ') : '(none registered)'}` +
          (near.length ? `. Did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : ''),
        { hint: `Install a plugin that provides it (rec plugins install <package>) or pick one of the known ${kind}.` },
      );
    }
    return e;
  }

  /** Validate `config` against the component's schema (filling defaults) and return the result. */
  parseConfig(kind: PluginKind, name: string, config: unknown): unknown {
    const { factory } = this.get(kind, name);
    const r = (factory.config as z.ZodType).safeParse(config ?? {});
    if (!r.success) {
      throw new RecError('E_CONFIG', `Invalid config for ${KIND_SINGULAR[kind]} "${name}": ${formatZodError(r.error)}`, {
        hint: `See \`rec components ${kind} ${name}\` for the accepted options.`,
      });
    }
    return factory.normalize ? factory.normalize(r.data, this) : r.data;
  }

  /**
   * Validate the config, then build the component inside `scope` (the run's child container). Typed by kind
   * (`'backbones'` → `Backbone`, `'indexers'` → `Indexer`, … see `PluginKindTypes`); the product is checked
   * for the kind's required methods, so a plugin that builds the wrong thing is an E_PLUGIN naming it.
   */
  async create<K extends PluginKind>(kind: K, name: string, scope: DependencyContainer, config?: unknown): Promise<PluginKindTypes[K]> {
    const parsed = this.parseConfig(kind, name, config);
    const entry = this.get(kind, name);
    return checkProduct(kind, name, entry.plugin, await entry.factory.create(scope, parsed));
  }
}
