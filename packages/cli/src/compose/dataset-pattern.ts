import { basename, normalize } from 'node:path';
import { RecError } from '@ed2/core';

export interface DatasetPattern {
  /** The pattern as written in the project file. */
  readonly pattern: string;
  /** Whether it holds a wildcard (`*`, `?`, `[…]`, `{a,b}`); an exact name is more specific than any glob. */
  readonly isGlob: boolean;
  /** Literal (non-wildcard) characters: among globs, more literal characters = more specific (applied later). */
  readonly literals: number;
  /** Whether the `--dataset` value matches (a registered name, or a path matched by its folder/file name). */
  matches(dataset: string): boolean;
}

/**
 * A dataset key of `rec.config.json`: an exact name or a glob. A pattern without `/` is matched against the
 * dataset name and against the last segment of a dataset path (`../shared/datasets/amazon-instruments` matches
 * `amazon-*`); a pattern with `/` against the whole path as given. `*` and `?` never cross `/`.
 *
 * Hand-written (about 30 lines) rather than a library: Node 20's `path.matchesGlob` is experimental and prints a
 * warning on every command, and picomatch/minimatch are not dependencies of this package (the lockfile is not
 * ours to change). Only the four glob forms above are needed for dataset names.
 */
export function datasetPattern(pattern: string): DatasetPattern {
  const re = new RegExp(`^${globSource(pattern)}$`);
  const isGlob = /[*?[{]/.test(pattern);
  const literals = pattern.replace(/\[[^\]]*\]|\{[^}]*\}|[*?]/g, '').length;
  const withSlash = pattern.includes('/');
  return {
    pattern,
    isGlob,
    literals,
    matches(dataset: string): boolean {
      const trimmed = dataset.replace(/[/\\]+$/, '');
      if (withSlash) return re.test(trimmed) || re.test(normalize(trimmed));
      return re.test(trimmed) || re.test(basename(trimmed));
    },
  };
}

function globSource(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) throw badPattern(pattern, 'an unclosed "["');
      const body = pattern.slice(i + 1, end);
      out += `[${body.startsWith('!') ? `^${escapeClass(body.slice(1))}` : escapeClass(body)}]`;
      i = end;
    } else if (c === '{') {
      const end = pattern.indexOf('}', i);
      if (end < 0) throw badPattern(pattern, 'an unclosed "{"');
      out += `(?:${pattern.slice(i + 1, end).split(',').map(escapeLiteral).join('|')})`;
      i = end;
    } else out += escapeLiteral(c);
  }
  return out;
}

const escapeLiteral = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const escapeClass = (s: string) => s.replace(/[\\\]^]/g, '\\$&');

function badPattern(pattern: string, what: string): RecError {
  return new RecError('E_CONFIG', `rec.config.json: dataset pattern "${pattern}" has ${what}`, { hint: 'Use an exact name or a glob such as "amazon-*", "ml-{100k,1m}" or "amazon-[bs]*".' });
}
