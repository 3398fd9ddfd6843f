import type { TorchBackboneConfig } from './torch-backbone-config';
import type { TorchWorkerClient } from './torch-worker-client';

type PoolKey = Pick<TorchBackboneConfig, 'python' | 'workers' | 'torchrun'>;

interface Pooled {
  /** Pending while the worker starts (two backbones made at once share the start). */
  readonly client: Promise<TorchWorkerClient>;
  refs: number;
  timer?: NodeJS.Timeout;
}

/** One model inside a worker process: every call names it. */
export interface TorchEngine {
  readonly client: TorchWorkerClient;
  call<T = Record<string, unknown>>(op: string, args?: Record<string, unknown>): T;
  callAsync<T = Record<string, unknown>>(op: string, args?: Record<string, unknown>): Promise<T>;
  /** Drops this model from the worker; the process exits `lingerMs` after its last model went, or with this process. */
  release(): void;
}

const pool = new Map<string, Pooled>();

/**
 * Worker processes shared by the backbones made in this process (importing torch + transformers + peft costs
 * seconds, a model in a running worker milliseconds). A dead worker is replaced on the next acquire. Separate
 * processes: `exclusive` (one per backbone; crash tests) and every torchrun launch.
 */
export class TorchWorkerPool {
  static lingerMs = 3000;

  static async acquire(key: PoolKey, start: () => Promise<TorchWorkerClient>, exclusive = false): Promise<{ client: TorchWorkerClient; done: () => void }> {
    if (exclusive || key.workers > 1 || key.torchrun.length) {
      const client = await start();
      return { client, done: () => client.shutdown() };
    }
    const k = JSON.stringify([key.python ?? null, key.workers, key.torchrun]);
    let p = pool.get(k);
    if (p && !(await p.client).alive) {
      clearTimeout(p.timer);
      pool.delete(k);
      p = undefined;
    }
    if (!p) {
      p = { client: start(), refs: 0 };
      pool.set(k, p);
      p.client.catch(() => pool.delete(k));
    }
    clearTimeout(p.timer);
    p.refs++;
    const entry = p;
    let client: TorchWorkerClient;
    try {
      client = await entry.client;
    } catch (e) {
      entry.refs--;
      throw e;
    }
    return {
      client,
      done: () => {
        entry.refs--;
        if (entry.refs > 0) return;
        entry.timer = setTimeout(() => {
          if (entry.refs > 0) return;
          if (pool.get(k) === entry) pool.delete(k);
          client.shutdown();
        }, TorchWorkerPool.lingerMs);
        entry.timer.unref();
      },
    };
  }
}

/** A model id in a worker, bound to its client. */
export function bindEngine(client: TorchWorkerClient, id: number, done: () => void): TorchEngine {
  let released = false;
  return {
    client,
    call: (op, args = {}) => client.call(op, { ...args, engine: id }),
    callAsync: (op, args = {}) => client.callAsync(op, { ...args, engine: id }),
    release: () => {
      if (released) return;
      released = true;
      if (client.alive) {
        try {
          client.call('release', { engine: id });
        } catch {
          // a dead worker has nothing left to release
        }
      }
      done();
    },
  };
}
