import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RecError, readPluginPackageJson } from '@ed2/core';
import type { PluginProblem } from './build-registry';

/** One entry of `oclif.plugins` in `<dataDir>/package.json` (the format @oclif/plugin-plugins reads and writes). */
export interface StoredPlugin {
  readonly name: string;
  readonly type: 'user' | 'link';
  readonly root?: string;
  readonly url?: string;
  readonly tag?: string;
}

interface StoreJson {
  name?: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  oclif?: { schema?: number; plugins?: (StoredPlugin | string)[] };
  [k: string]: unknown;
}

/**
 * The user's plugin list, `<dataDir>/package.json` (dataDir: `REC_DATA_DIR`, else `~/.local/share/rec`), kept in
 * @oclif/plugin-plugins' format so `rec plugins`, `rec plugins uninstall` and oclif's loader read what we write.
 * Written by `rec plugins link` and by `rec plugins install <folder>` (which links the folder into
 * `<dataDir>/node_modules` as npm does for a folder, without running npm).
 */
export class PluginStore {
  constructor(
    readonly dataDir: string,
    private readonly cliName: string,
  ) {}

  get file(): string {
    return join(this.dataDir, 'package.json');
  }

  private read(): StoreJson {
    if (!existsSync(this.file)) return {};
    try {
      return JSON.parse(readFileSync(this.file, 'utf8')) as StoreJson;
    } catch (e) {
      throw new RecError('E_CONFIG', `${this.file} (the plugin list) is not valid JSON: ${(e as Error).message}`, { hint: `Fix or delete ${this.file} (then link/install the plugins again).`, cause: e });
    }
  }

  private write(json: StoreJson): void {
    mkdirSync(this.dataDir, { recursive: true });
    writeFileSync(this.file, `${JSON.stringify({ name: this.cliName, private: true, ...json, oclif: { schema: 1, ...json.oclif } }, null, 2)}\n`);
  }

  /** Creates the store file when there is none (npm needs a package.json in the data folder). */
  ensure(): void {
    if (!existsSync(this.file)) this.write({ dependencies: {} });
  }

  /** `dependencies` of the store file (what npm installed, by package name). */
  dependencies(): Record<string, string> {
    return { ...(this.read().dependencies ?? {}) };
  }

  list(): StoredPlugin[] {
    return (this.read().oclif?.plugins ?? []).map((p) => (typeof p === 'string' ? { name: p, type: 'user', tag: 'latest' } : p));
  }

  get(name: string): StoredPlugin | undefined {
    return this.list().find((p) => p.name === name);
  }

  /** Adds or replaces the entry with this name (and any link entry of the same root). */
  add(entry: StoredPlugin, dependency?: string): void {
    const json = this.read();
    const plugins = this.list().filter((p) => p.name !== entry.name && !(entry.root && p.type === 'link' && p.root === entry.root));
    const dependencies = { ...(json.dependencies ?? {}) };
    if (dependency) dependencies[entry.name] = dependency;
    else delete dependencies[entry.name];
    this.write({ ...json, dependencies, oclif: { ...json.oclif, plugins: [...plugins, entry] } });
  }

  remove(name: string): void {
    const json = this.read();
    const dependencies = { ...(json.dependencies ?? {}) };
    delete dependencies[name];
    this.write({ ...json, dependencies, oclif: { ...json.oclif, plugins: this.list().filter((p) => p.name !== name) } });
  }

  /** Recorded plugins that oclif did not load (their folder was moved or deleted, or npm's copy is gone), as problems. */
  missing(loaded: ReadonlySet<string>): PluginProblem[] {
    return this.list()
      .filter((p) => !loaded.has(p.name))
      .map((p) => {
        const root = p.type === 'link' && p.root ? p.root : this.modulePath(p.name);
        let reason = `${p.name} is recorded in ${this.file} but was not loaded`;
        try {
          readPluginPackageJson(root);
        } catch (e) {
          reason = `${p.name} is recorded in ${this.file} but ${(e as Error).message.replace(/^No plugin package at [^:]+: /, '')} (folder moved or deleted?)`;
        }
        return { plugin: p.name, root, code: 'E_PLUGIN', reason, hint: `Link or install it again from where it is now, or \`rec plugins uninstall ${p.name}\`.` };
      });
  }

  /** `<dataDir>/node_modules/<name>` → `root` (a symlink, as `npm install <folder>` makes), replacing an older one. */
  linkModule(name: string, root: string): void {
    const at = this.modulePath(name);
    mkdirSync(dirname(at), { recursive: true });
    if (isPresent(at)) rmSync(at, { recursive: true, force: true });
    symlinkSync(root, at, 'dir');
  }

  /** Whether `<dataDir>/node_modules/<name>` is a symlink (a folder install made by `linkModule`). */
  isLinkedModule(name: string): boolean {
    const at = this.modulePath(name);
    return isPresent(at) && lstatSync(at).isSymbolicLink();
  }

  /** Removes `<dataDir>/node_modules/<name>` when it is a symlink (a folder install); npm-installed copies are npm's. */
  unlinkModule(name: string): void {
    if (this.isLinkedModule(name)) rmSync(this.modulePath(name), { force: true });
  }

  modulePath(name: string): string {
    return join(this.dataDir, 'node_modules', ...name.split('/'));
  }
}

function isPresent(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
