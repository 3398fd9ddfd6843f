import { PLUGIN_API_VERSION, PLUGIN_KINDS, type PluginManifest } from './plugin-manifest';

const SEMVER = /^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$/;

/** Problems with the manifest's `meta` and top-level keys (empty when fine). */
export function manifestMetaProblems(manifest: PluginManifest): string[] {
  const problems: string[] = [];
  const meta = manifest?.meta as Partial<PluginManifest['meta']> | undefined;
  if (!meta || typeof meta !== 'object') return ['meta is missing'];
  if (typeof meta.name !== 'string' || meta.name.trim() === '') problems.push('meta.name must be a non-empty string');
  if (typeof meta.version !== 'string' || !SEMVER.test(meta.version)) problems.push(`meta.version must be a semver string, got ${JSON.stringify(meta.version)}`);
  if (meta.apiVersion !== PLUGIN_API_VERSION) problems.push(`meta.apiVersion must be ${PLUGIN_API_VERSION} (PLUGIN_API_VERSION), got ${JSON.stringify(meta.apiVersion)}`);
  for (const key of Object.keys(manifest)) {
    if (key !== 'meta' && !(PLUGIN_KINDS as readonly string[]).includes(key)) problems.push(`unknown manifest key "${key}" (kinds: ${PLUGIN_KINDS.join(', ')})`);
  }
  return problems;
}
