import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { z } from 'zod';
import { RecError, closestNames, parseJsonText, readTextFileSync } from '@ed2/core';
import { PROJECT_CONFIG_FILE, SECTION_KEYS, datasetSection, projectConfig, type ProjectConfig, type ProjectSection } from './project-config';

export interface LoadedProjectConfig {
  /** The file as found or given (for messages). */
  readonly file: string;
  /** Its file name: the prefix of every source label (`rec.config.json:datasets.amazon-*`). */
  readonly label: string;
  /** Validated, with the paths in it made relative to the working directory. */
  readonly config: ProjectConfig;
}

/**
 * The project configuration: `--config-file <path>` (which must exist), else `rec.config.json` in `cwd` when there
 * is one, else undefined. JSON with an optional byte-order mark; validated by zod, every problem named by its key
 * with the fix. Paths in it (`dataset`, `backbone` weights, `tokenizer`, `item-features`) are relative to the file.
 */
export function loadProjectConfig(o: { file?: string; cwd?: string } = {}): LoadedProjectConfig | undefined {
  const cwd = o.cwd ?? process.cwd();
  const file = o.file ?? join(cwd, PROJECT_CONFIG_FILE);
  if (o.file === undefined && !existsSync(file)) return undefined;
  const label = basename(file);
  let text: string;
  try {
    text = readTextFileSync(resolve(cwd, file));
  } catch (e) {
    throw new RecError('E_CONFIG', `--config-file ${file} cannot be read: ${(e as Error).message}`, { cause: e, hint: `Check the path, or drop --config-file to use ./${PROJECT_CONFIG_FILE}.` });
  }
  let raw: unknown;
  try {
    raw = parseJsonText(text, file);
  } catch (e) {
    // a project file is configuration: E_CONFIG (exit 2), with the line and column parseJsonText found
    throw new RecError('E_CONFIG', `${file}: ${(e as Error).message}`, { cause: e, hint: 'Fix the JSON syntax (no comments or trailing commas), e.g. {"datasets": {"amazon-*": {"backbone": "llama:mini"}}}.' });
  }
  const r = projectConfig.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues;
    throw new RecError('E_CONFIG', `${file}: ${issues.map((i) => `${keyOf(i)}: ${messageOf(i)}`).join('; ')}`, { hint: hintOf(issues[0]) });
  }
  const dir = dirname(resolve(cwd, file));
  return { file, label, config: withRelativePaths(r.data, (p) => (isAbsolute(p) ? p : relative(cwd, resolve(dir, p)) || '.')) };
}

type Issue = z.core.$ZodIssue;

const keyOf = (i: Issue) => (i.path.length ? i.path.map(String).join('.') : '(top level)');

function messageOf(i: Issue): string {
  if (i.code !== 'unrecognized_keys') return i.message;
  const allowed = allowedKeys(i.path);
  return i.keys
    .map((k) => {
      const near = closestNames(k, allowed);
      return `unknown key "${k}"${near.length ? ` (did you mean ${near.map((n) => `"${n}"`).join(' or ')}?)` : ''}`;
    })
    .join(', ');
}

function hintOf(i: Issue | undefined): string {
  if (i?.code === 'unrecognized_keys') {
    const where = allowedKeys(i.path);
    return `A section takes the \`rec run\` flags by name (${where.slice(0, 6).join(', ')}, …), "set": {"<dotted model option>": value} and "dataset-set": {...}; per-model settings go under "models": {"<model>": {...}}.`;
  }
  return `Fix ${i ? keyOf(i) : 'the file'}; e.g. {"datasets": {"amazon-*": {"backbone": "llama:mini", "set": {"backbone.lora.rank": 16}}}}.`;
}

/** The keys accepted where an issue was found: the top level, a dataset section or a per-model section. */
function allowedKeys(path: readonly PropertyKey[]): string[] {
  if (path.length === 0) return Object.keys(projectConfig.shape);
  if (path.length === 2 && path[0] === 'datasets') return Object.keys(datasetSection.shape);
  return [...SECTION_KEYS];
}

/** Every path-valued key of every section rewritten by `fix` (relative to the file → relative to the cwd). */
function withRelativePaths(c: ProjectConfig, fix: (p: string) => string): ProjectConfig {
  const section = <S extends ProjectSection>(s: S): S => {
    const out: S = { ...s };
    if (s.backbone !== undefined) out.backbone = backbonePath(s.backbone, fix);
    if (s.tokenizer !== undefined) out.tokenizer = fix(s.tokenizer);
    if (s['item-features'] !== undefined) out['item-features'] = s['item-features'].startsWith('run:') ? `run:${fix(s['item-features'].slice(4))}` : fix(s['item-features']);
    if (s.models) out.models = Object.fromEntries(Object.entries(s.models).map(([m, ms]) => [m, section(ms)]));
    return out;
  };
  const top = section(c);
  if (c.dataset !== undefined && /[/\\]|^\./.test(c.dataset)) top.dataset = fix(c.dataset);
  if (c.datasets) top.datasets = Object.fromEntries(Object.entries(c.datasets).map(([k, s]) => [k, section(s)]));
  return top;
}

/** `llama:mini` stays; `weights.bin` / `llama:weights.bin` get the path fixed (the same split as `--backbone`). */
function backbonePath(spec: string, fix: (p: string) => string): string {
  const colon = spec.indexOf(':');
  if (colon > 0 && !spec.slice(0, colon).includes('/')) {
    const rest = spec.slice(colon + 1);
    return /^[a-z0-9-]+$/.test(rest) ? spec : `${spec.slice(0, colon)}:${fix(rest)}`;
  }
  return fix(spec);
}
