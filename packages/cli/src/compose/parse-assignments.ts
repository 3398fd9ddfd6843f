import { RecError } from '@ed2/core';

/**
 * `["dim=128", "norm=post", "dropout=0.2", "ks=[1,5]"]` → `{dim: 128, norm: 'post', dropout: 0.2, ks: [1, 5]}`.
 * Values are parsed as JSON when they are valid JSON, else kept as strings.
 */
export function parseAssignments(pairs: readonly string[], flag: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new RecError('E_CONFIG', `${flag} "${p}" is not key=value`, { hint: `e.g. ${flag} dim=128` });
    const key = p.slice(0, eq).trim();
    const raw = p.slice(eq + 1).trim();
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain string
    }
    out[key] = value;
  }
  return out;
}
