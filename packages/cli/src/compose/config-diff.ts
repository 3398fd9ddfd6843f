/** One value that differs between two configurations, by dotted path. */
export interface ConfigChange {
  readonly key: string;
  readonly there: unknown;
  readonly now: unknown;
}

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The keys whose values differ between `there` (the stored run) and `now`, as dotted paths under `prefix`
 * (`modelConfig.backbone.options.model.dim`); nested objects are walked, arrays and scalars compared whole.
 * A key present on one side only differs with `undefined` on the other.
 */
export function configDiff(there: unknown, now: unknown, prefix: string): ConfigChange[] {
  if (isPlain(there) && isPlain(now)) {
    const keys = [...new Set([...Object.keys(there), ...Object.keys(now)])];
    return keys.flatMap((k) => configDiff(there[k], now[k], prefix ? `${prefix}.${k}` : k));
  }
  return JSON.stringify(there) === JSON.stringify(now) ? [] : [{ key: prefix, there, now }];
}

/** `key (a there, b now)`, values as JSON (`undefined`: "unset"). */
export function describeChanges(changes: readonly ConfigChange[], max = 8): string {
  const show = (v: unknown) => (v === undefined ? 'unset' : JSON.stringify(v));
  const listed = changes.slice(0, max).map((c) => `${c.key} (${show(c.there)} there, ${show(c.now)} now)`);
  return listed.join('; ') + (changes.length > max ? `; and ${changes.length - max} more` : '');
}
