/**
 * Resolves on the next turn of the event loop (a macrotask), so signal handlers, timers and I/O callbacks run.
 * A loop of `await tensor.data()` does not do that by itself: on the native backend `data()` resolves as a
 * microtask, so without this a Ctrl-C during a long epoch is only seen when the epoch ends. Call it once per
 * step of a long loop, next to the abort check.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
