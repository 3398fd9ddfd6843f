import { RecError, type RecErrorCode } from '@ed2/core';

/**
 * The one exit-code rule of `rec` (README "Exit codes", `rec run --help`):
 * 0 success · 1 a failure while running (numerics, backend, checkpoint, worker, internal) · 2 usage or
 * configuration (flags, options, plugins, run folder) · 3 the data (missing or malformed input) · 130 interrupted.
 */
export const EXIT_CODES: Readonly<Record<RecErrorCode, number>> = {
  E_CONFIG: 2,
  E_PLUGIN: 2,
  E_PLUGIN_UNKNOWN: 2,
  E_PLUGIN_DUPLICATE: 2,
  E_UNSUPPORTED: 2,
  E_RUN_DIR: 2,
  E_DATA_FORMAT: 3,
  E_DATA_MISSING: 3,
  E_ABORTED: 130,
  E_BACKEND: 1,
  E_CHECKPOINT: 1,
  E_SHAPE: 1,
  E_NUMERIC: 1,
  E_WORKER: 1,
  E_INTERNAL: 1,
};

/** The exit code of a command that ended with `error` (1 for anything that is not a RecError). */
export function exitCodeOf(error: unknown): number {
  return RecError.is(error) ? (EXIT_CODES[error.code] ?? 1) : 1;
}
