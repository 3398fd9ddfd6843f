import type { DependencyContainer } from 'tsyringe';
import type { z } from 'zod';

/** Bumped when the plugin contract changes incompatibly; the registry rejects other majors. */
export const PLUGIN_API_VERSION = 1;

/** The kinds of component a plugin can contribute (manifest keys). */
export const PLUGIN_KINDS = ['datasets', 'indexers', 'backbones', 'tasks', 'recommenders', 'metrics'] as const;
export type PluginKind = (typeof PLUGIN_KINDS)[number];

/**
 * How to build one component. `config` validates (and fills defaults of) the user's options
 * before `create` runs; `create` receives the run's child container to resolve shared services.
 * Heavy modules should be imported inside `create`, so listing plugins stays fast.
 */
export interface PluginFactory<S extends z.ZodType = z.ZodType, T = unknown> {
  readonly summary: string;
  readonly config: S;
  create(scope: DependencyContainer, config: z.output<S>): T | Promise<T>;
  /**
   * Optional: validate nested component options through their own schemas (defaults filled), after this
   * component's schema; what it returns is the config stored in `config.json` and compared on `--resume`.
   */
  normalize?(config: z.output<S>, registry: PluginRegistryLike): z.output<S>;
}

/** The part of the registry `normalize` may use. */
export interface PluginRegistryLike {
  parseConfig(kind: PluginKind, name: string, config: unknown): unknown;
}

export interface PluginMeta {
  readonly name: string;
  readonly version: string;
  readonly apiVersion: number;
}

/** What a plugin package default-exports from `./plugin`. */
export interface PluginManifest {
  readonly meta: PluginMeta;
  readonly datasets?: Readonly<Record<string, PluginFactory>>;
  readonly indexers?: Readonly<Record<string, PluginFactory>>;
  readonly backbones?: Readonly<Record<string, PluginFactory>>;
  readonly tasks?: Readonly<Record<string, PluginFactory>>;
  readonly recommenders?: Readonly<Record<string, PluginFactory>>;
  readonly metrics?: Readonly<Record<string, PluginFactory>>;
}

/** Identity helper that keeps the schema type flowing into `create`'s config parameter. */
export function definePlugin<S extends z.ZodType, T>(factory: PluginFactory<S, T>): PluginFactory<S, T> {
  return factory;
}
