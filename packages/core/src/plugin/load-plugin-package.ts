import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RecError } from '../errors/rec-error';
import { provideHostPackages } from './host-packages';
import { manifestMetaProblems } from './manifest-problems';
import { PLUGIN_API_VERSION, PLUGIN_KINDS, type PluginManifest } from './plugin-manifest';
import type { PluginRegistry } from './plugin-registry';

/** The `package.json` fields a plugin package is read by. */
export interface PluginPackageJson {
  readonly name?: string;
  readonly version?: string;
  readonly rec?: { readonly plugin?: string };
}

/** A loaded, validated plugin package. */
export interface PluginPackage {
  /** The package name (package.json `name`). */
  readonly name: string;
  readonly version: string;
  /** Folder holding its package.json. */
  readonly root: string;
  /** Absolute path of the module named by `"rec": {"plugin": …}`. */
  readonly entry: string;
  /** Its default export, checked: meta (name, semver version, this rec's apiVersion), known kinds, factories with a zod config and create(). */
  readonly manifest: PluginManifest;
}

export interface LoadPluginOptions {
  /** Where a package name is resolved from (node_modules of this folder and its parents); default the working directory. */
  readonly from?: string;
  /** Also register the plugin's components into this registry (E_PLUGIN_DUPLICATE on a name clash). */
  readonly registry?: PluginRegistry;
}

/** `./x`, `../x`, `/abs/x` and `file:x` are paths; anything else is a package name (`rec-plugin-x`, `@scope/x`). */
export function isPluginPath(spec: string): boolean {
  return spec.startsWith('file:') || spec.startsWith('.') || isAbsolute(spec) || /^[A-Za-z]:[\\/]/.test(spec);
}

/** The folder of a plugin given as a path (`file:` URL or prefix allowed), resolved against `from`. */
export function pluginPathRoot(spec: string, from = process.cwd()): string {
  if (spec.startsWith('file://')) return fileURLToPath(spec);
  const raw = spec.startsWith('file:') ? spec.slice(5) : spec;
  return resolve(from, raw);
}

/** Finds `name` in the node_modules folders of `from` and its parents (what `require` walks), or undefined. */
function findPackageRoot(name: string, from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Reads and parses `<root>/package.json`, or an E_PLUGIN naming the file. */
export function readPluginPackageJson(root: string): PluginPackageJson {
  const file = join(root, 'package.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new RecError('E_PLUGIN', `No plugin package at ${root}: ${file} cannot be read`, { hint: 'Point at the folder that holds the plugin\'s package.json (or create one with `rec plugins new <name>`).', cause: e });
  }
  try {
    const v = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('the top level is not an object');
    return v as PluginPackageJson;
  } catch (e) {
    throw new RecError('E_PLUGIN', `${file} is not valid JSON: ${(e as Error).message}`, { hint: 'Fix the package.json of the plugin.', cause: e });
  }
}

/** The absolute path of the `"rec": {"plugin": …}` module of a package, or an E_PLUGIN saying how to declare it. */
export function pluginEntry(root: string, pjson: PluginPackageJson): string {
  const entry = pjson.rec?.plugin;
  if (typeof entry !== 'string' || entry.trim() === '') {
    throw new RecError('E_PLUGIN', `${pjson.name ?? root} is not a rec plugin: its package.json has no "rec": {"plugin": "<module>"}`, {
      hint: 'Add "rec": {"plugin": "./dist/plugin.js"} to its package.json, pointing at the module that default-exports the manifest.',
    });
  }
  return resolve(root, entry);
}

/**
 * Requires the plugin module of the package at `root` and checks its manifest: the current `apiVersion`, known
 * kinds, and a summary, zod `config` and `create()` per factory. Every failure is an E_PLUGIN naming the package.
 */
export function loadPluginManifest(root: string, pjson: PluginPackageJson = readPluginPackageJson(root)): PluginPackage {
  const name = pjson.name ?? root;
  const entry = pluginEntry(root, pjson);
  let mod: { default?: PluginManifest } & PluginManifest;
  provideHostPackages();
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- plugins are CommonJS modules found at run time
    mod = require(entry) as { default?: PluginManifest } & PluginManifest;
  } catch (e) {
    throw new RecError('E_PLUGIN', `Plugin ${name} could not be loaded from ${entry}: ${(e as Error).message}`, {
      hint: existsSync(entry) ? `Fix or rebuild ${name}, or remove it (rec plugins uninstall ${name}).` : `Build ${name} first (its "rec".plugin file is missing), or remove it (rec plugins uninstall ${name}).`,
      cause: e,
    });
  }
  const manifest = (mod && typeof mod === 'object' && 'default' in mod ? mod.default : mod) as PluginManifest;
  if (typeof manifest !== 'object' || manifest === null) {
    throw new RecError('E_PLUGIN', `Plugin ${name}: ${entry} exports no manifest object`, { hint: 'Default-export { meta: { name, version, apiVersion }, indexers: {...}, ... } from the plugin module.' });
  }
  const api = (manifest.meta as { apiVersion?: unknown } | undefined)?.apiVersion;
  if (api !== PLUGIN_API_VERSION) {
    throw new RecError('E_PLUGIN', `Plugin ${name} declares plugin apiVersion ${JSON.stringify(api)}; this rec supports apiVersion ${PLUGIN_API_VERSION}`, {
      hint: `Install a version of ${name} built for plugin API ${PLUGIN_API_VERSION} (meta.apiVersion = PLUGIN_API_VERSION from @ed2/core), or remove it (rec plugins uninstall ${name}).`,
    });
  }
  const problems = manifestMetaProblems(manifest);
  for (const kind of PLUGIN_KINDS) {
    for (const [n, f] of Object.entries(manifest[kind] ?? {})) {
      if (typeof f?.create !== 'function') problems.push(`${kind}:${n} has no create()`);
      if (typeof (f?.config as { safeParse?: unknown } | undefined)?.safeParse !== 'function') problems.push(`${kind}:${n} has no zod config schema`);
    }
  }
  if (problems.length) {
    throw new RecError('E_PLUGIN', `Plugin ${name} has an invalid manifest (${entry}): ${problems.join('; ')}`, { hint: `Fix the manifest of ${name}; \`manifestContract\` from @ed2/core/testing checks it in the plugin's own tests.` });
  }
  return { name, version: pjson.version ?? manifest.meta.version, root, entry, manifest };
}

/**
 * Loads a plugin package without the CLI: a folder (`./x`, `/abs/x`, `file:x`) or a package name resolved from
 * `options.from`. Returns the validated plugin; with `options.registry`, its components are registered too.
 */
export function loadPluginPackage(dirOrName: string, options: LoadPluginOptions = {}): PluginPackage {
  const from = options.from ?? process.cwd();
  let root: string | undefined;
  if (isPluginPath(dirOrName)) root = pluginPathRoot(dirOrName, from);
  else root = findPackageRoot(dirOrName, from) ?? (existsSync(resolve(from, dirOrName)) ? resolve(from, dirOrName) : undefined);
  if (!root || !existsSync(root) || !statSync(root).isDirectory()) {
    throw new RecError('E_PLUGIN', `Plugin "${dirOrName}" not found: ${root ? `${root} is not a folder` : `no node_modules/${dirOrName} from ${from} upwards`}`, {
      hint: 'Give the folder of the plugin package (./path, /abs/path or file:path) or the name of an installed package.',
    });
  }
  const plugin = loadPluginManifest(root);
  options.registry?.register(plugin.manifest);
  return plugin;
}
