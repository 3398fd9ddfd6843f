import { RecError } from '../errors/rec-error';
import type { EventBus } from '../events/event-bus';

export interface InterruptOptions {
  /** Where to announce the interruption (a `warn` log event). */
  readonly events?: EventBus;
  /** Signals to catch (default SIGINT and SIGTERM). */
  readonly signals?: readonly NodeJS.Signals[];
  /** Called on the second signal (default: exit with 130). Checkpoints are atomic, so this is safe. */
  readonly forceExit?: (signal: NodeJS.Signals) => void;
}

/**
 * First Ctrl-C (or SIGTERM) aborts `controller` with `RecError('E_ABORTED')`: long operations stop at
 * their next check, so a checkpoint being written finishes and the run ends as `interrupted`.
 * A second signal quits at once. Returns a function that removes the handlers.
 */
export function handleInterrupts(controller: AbortController, options: InterruptOptions = {}): () => void {
  const signals = options.signals ?? (['SIGINT', 'SIGTERM'] as const);
  const forceExit = options.forceExit ?? ((s: NodeJS.Signals) => process.exit(s === 'SIGINT' ? 130 : 143));
  let count = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    count++;
    if (count === 1 && !controller.signal.aborted) {
      options.events?.warn(`${signal} received: stopping after the current step and checkpoint (press Ctrl-C again to quit now)`);
      controller.abort(new RecError('E_ABORTED', `Interrupted by ${signal}`, { hint: 'Continue later with --resume.' }));
      return;
    }
    options.events?.warn(`${signal} received again: quitting now (the last complete checkpoint is kept)`);
    forceExit(signal);
  };
  for (const s of signals) process.on(s, onSignal);
  return () => {
    for (const s of signals) process.removeListener(s, onSignal);
  };
}

/** Throws the signal's reason (an `E_ABORTED` RecError) if it is aborted. Call between steps. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  const reason: unknown = signal.reason;
  throw RecError.is(reason) ? reason : new RecError('E_ABORTED', 'Operation aborted', { cause: reason, hint: 'Continue later with --resume.' });
}
