import { describe, expect, it } from 'vitest';
import { yieldToEventLoop } from './yield-to-event-loop';

describe('yieldToEventLoop', () => {
  it('lets a macrotask (a signal handler, a timer) run inside a loop whose awaits resolve as microtasks', async () => {
    const ac = new AbortController();
    setImmediate(() => ac.abort());
    let withoutYield = 0;
    for (let i = 0; i < 1000 && !ac.signal.aborted; i++) {
      await Promise.resolve(); // what a native backend's data() amounts to
      withoutYield++;
    }
    expect(withoutYield).toBe(1000); // never interrupted: microtasks starve the event loop
    const ac2 = new AbortController();
    setImmediate(() => ac2.abort());
    let withYield = 0;
    for (let i = 0; i < 1000 && !ac2.signal.aborted; i++) {
      await Promise.resolve();
      await yieldToEventLoop();
      withYield++;
    }
    expect(withYield).toBeLessThan(3);
    expect(ac.signal.aborted && ac2.signal.aborted).toBe(true);
  });
});
