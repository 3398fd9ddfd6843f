import { RecError } from '../errors/rec-error';

/** Throw E_ABORTED when `signal` has fired (dataset loaders call it between files). */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new RecError('E_ABORTED', `Loading ${what} was aborted`, { cause: signal.reason });
}
