/** Stable machine-readable error codes. Add new ones here; never reuse a code for another meaning. */
export type RecErrorCode =
  | 'E_CONFIG'
  | 'E_PLUGIN'
  | 'E_PLUGIN_UNKNOWN'
  | 'E_PLUGIN_DUPLICATE'
  | 'E_DATA_FORMAT'
  | 'E_DATA_MISSING'
  | 'E_BACKEND'
  | 'E_CHECKPOINT'
  | 'E_SHAPE'
  | 'E_RUN_DIR'
  | 'E_ABORTED'
  | 'E_UNSUPPORTED'
  | 'E_NUMERIC'
  /** An out-of-process engine (the torch backbone's worker) crashed, broke the protocol or reported an error. */
  | 'E_WORKER'
  | 'E_INTERNAL';

/**
 * The one base error of the project. `message` names the offending thing and what to do;
 * `hint` (optional) is the fix, shown by the CLI on its own line.
 */
export class RecError extends Error {
  readonly code: RecErrorCode;
  readonly hint?: string;

  constructor(code: RecErrorCode, message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RecError';
    this.code = code;
    if (options.hint !== undefined) this.hint = options.hint;
  }

  static is(e: unknown, code?: RecErrorCode): e is RecError {
    return e instanceof RecError && (code === undefined || e.code === code);
  }
}
