import { RecError, type PluginRegistry } from '@ed2/core';
import { loadProjectConfig } from './load-project-config';
import { readConfigFile } from './read-config-file';
import { readRunConfig } from './read-run-config';
import { resolveRunConfig, type ResolvedRunConfig } from './resolve-run-config';

/** oclif's parse metadata: which flags took their default. */
export interface FlagMetadata {
  readonly flags: Readonly<Record<string, { readonly setFromDefault?: boolean } | undefined>>;
}

/**
 * The configuration a `rec run` command line resolves to (shared by `rec run` and `rec config show`): the stored
 * run on `--resume`, the project file (`--config-file`, else ./rec.config.json), `--config`, then the flags.
 */
export function runConfigFromFlags(flags: Readonly<Record<string, unknown>>, metadata: FlagMetadata, o: { cwd?: string; registry?: PluginRegistry } = {}): ResolvedRunConfig {
  if (flags.resume && !flags.out) {
    throw new RecError('E_CONFIG', '--resume needs --out <run folder> (the run to continue)', { hint: 'e.g. rec run --out runs/exp1 --resume' });
  }
  const given = (name: string) => metadata.flags[name]?.setFromDefault !== true && flags[name] !== undefined;
  const configPath = flags.config as string | undefined;
  const r = resolveRunConfig({
    flags,
    given,
    stored: flags.resume ? readRunConfig(flags.out as string) : undefined,
    project: loadProjectConfig({ file: flags['config-file'] as string | undefined, cwd: o.cwd }),
    ...(configPath ? { configFile: { path: configPath, ...readConfigFile(configPath) } } : {}),
  });
  if (o.registry && r.projectFile) {
    try {
      o.registry.parseConfig('recommenders', r.model, r.modelConfig);
    } catch (e) {
      throw withProjectOrigin(e, r);
    }
  }
  return r;
}

/**
 * A model option the project file set and the model refuses (or a file it names that is missing): the error says
 * which section set it, so the fix lands in rec.config.json rather than on the command line.
 */
export function withProjectOrigin(e: unknown, r: ResolvedRunConfig): unknown {
  if (!RecError.is(e) || !r.projectFile) return e;
  const hits = Object.entries(r.sources)
    .filter(([k, s]) => k.startsWith('modelConfig.') && !s.startsWith('flag ') && s.includes(':'))
    .filter(([k]) => {
      // the model's message names a key of the path (quoted, or as `a.b: …`) or the value (a missing file)
      const path = k.split('.').slice(1);
      const v = path.reduce<unknown>((at, p) => (at as Record<string, unknown> | undefined)?.[p], r.modelConfig);
      return path.some((seg) => e.message.includes(`"${seg}"`)) || e.message.includes(`${path[path.length - 1]}:`) || (typeof v === 'string' && v.length > 2 && e.message.includes(v));
    })
    .map(([k, s]) => `${k.slice('modelConfig.'.length)} (${s})`);
  if (!hits.length) return e;
  return new RecError(e.code, `${e.message} — set in ${r.projectFile}: ${hits.join(', ')}`, { cause: e, hint: `Fix or remove it there (or override it with a flag). ${e.hint ?? ''}`.trim() });
}
