import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PLUGIN_KINDS, type PluginFactory, type PluginManifest } from '../plugin/plugin-manifest';
import { manifestMetaProblems } from '../plugin/manifest-problems';
import { PluginRegistry } from '../plugin/plugin-registry';

export interface ManifestContractOptions {
  /**
   * Minimal valid config for factories whose schema needs fields (e.g. a dataset path), keyed
   * `kind:name` (`datasets:amazon`). Every other factory must accept `{}`.
   */
  readonly minimalConfig?: Readonly<Record<string, Record<string, unknown>>>;
}

const UNKNOWN_KEY = '__surely_not_an_option__';

export { manifestMetaProblems };

/** Problems with one factory (summary, schema defaults, strictness); empty when fine. */
export function factoryProblems(key: string, factory: PluginFactory, minimal: Record<string, unknown> = {}): string[] {
  const problems: string[] = [];
  if (typeof factory?.summary !== 'string' || factory.summary.trim() === '') problems.push(`${key}: summary must be a non-empty string`);
  if (typeof factory?.create !== 'function') problems.push(`${key}: create must be a function`);
  if (!(factory?.config instanceof z.ZodType)) return [...problems, `${key}: config must be a zod schema`];
  const ok = factory.config.safeParse(minimal);
  if (!ok.success) problems.push(`${key}: config rejects ${JSON.stringify(minimal)}: ${ok.error.issues.map((i) => i.message).join('; ')}`);
  const extra = factory.config.safeParse({ ...minimal, [UNKNOWN_KEY]: 1 });
  if (extra.success) problems.push(`${key}: config accepts the unknown key "${UNKNOWN_KEY}"; make the schema .strict()`);
  else if (!extra.error.issues.some((i) => JSON.stringify(i).includes(UNKNOWN_KEY))) problems.push(`${key}: the error for an unknown key does not name it`);
  return problems;
}

/** Declares the vitest suite every plugin manifest must pass. */
export function manifestContract(manifest: PluginManifest, options: ManifestContractOptions = {}): void {
  const name = typeof manifest?.meta?.name === 'string' ? manifest.meta.name : '(unnamed plugin)';
  describe(`plugin manifest contract: ${name}`, () => {
    it('has valid meta (name, semver version, current apiVersion) and only known kinds', () => {
      expect(manifestMetaProblems(manifest)).toEqual([]);
    });

    it('registers in a fresh PluginRegistry', () => {
      const registry = new PluginRegistry();
      expect(() => registry.register(manifest)).not.toThrow();
    });

    const factories = PLUGIN_KINDS.flatMap((kind) => Object.entries(manifest?.[kind] ?? {}).map(([n, f]) => [`${kind}:${n}`, f] as const));
    it('contributes at least one component', () => {
      expect(factories.length).toBeGreaterThan(0);
    });
    for (const [key, factory] of factories) {
      it(`${key}: has a summary, its config parses defaults and rejects unknown keys`, () => {
        expect(factoryProblems(key, factory, options.minimalConfig?.[key])).toEqual([]);
      });
    }
  });
}
