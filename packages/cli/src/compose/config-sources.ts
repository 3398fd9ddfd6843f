type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Dotted paths of the leaves of a config (arrays and scalars are leaves; an empty object has none), in key order. */
export function configLeaves(value: unknown, prefix = ''): [path: string, value: unknown][] {
  if (!isObject(value)) return prefix ? [[prefix, value]] : [];
  return Object.entries(value).flatMap(([k, v]) => (v === undefined ? [] : configLeaves(v, prefix ? `${prefix}.${k}` : k)));
}

/**
 * Where each value of a resolved configuration came from: `sources` names what set a path (a flag, a section of
 * `rec.config.json`, the resumed run); a leaf takes the source of itself or of its nearest ancestor (an object
 * set whole), else it is a schema default.
 */
export function attributeSources(config: unknown, sources: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path] of configLeaves(config)) {
    let p = path;
    let s = sources[p];
    while (s === undefined && p.includes('.')) {
      p = p.slice(0, p.lastIndexOf('.'));
      s = sources[p];
    }
    out[path] = s ?? 'default';
  }
  return out;
}
