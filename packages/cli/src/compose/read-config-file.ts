import { RecError, parseJsonText, readTextFileSync } from '@ed2/core';

/** `rec run --config <file>`: `{"model": {...options}, "dataset": {...options}}`. */
export function readConfigFile(path: string): { model?: Record<string, unknown>; dataset?: Record<string, unknown> } {
  let text: string;
  try {
    text = readTextFileSync(path);
  } catch (e) {
    throw new RecError('E_CONFIG', `--config ${path} cannot be read: ${(e as Error).message}`, { hint: 'Check the path.', cause: e });
  }
  try {
    const v = parseJsonText(text, path);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('top level is not an object');
    const extra = Object.keys(v).filter((k) => k !== 'model' && k !== 'dataset');
    if (extra.length) throw new Error(`unknown key(s) ${extra.join(', ')}; allowed: model, dataset`);
    return v as { model?: Record<string, unknown>; dataset?: Record<string, unknown> };
  } catch (e) {
    throw new RecError('E_CONFIG', `--config ${path}: ${(e as Error).message}`, { hint: 'Expected JSON like {"model": {"dim": 128}, "dataset": {"kCore": 5}}.', cause: e });
  }
}
