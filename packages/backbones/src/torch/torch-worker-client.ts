import { Packr } from 'msgpackr';
import { RecError } from '@ed2/core';
import { SyncWorkerProcess } from './sync-worker-process';

/** Version of the request/response protocol; the worker's hello must carry the same (python/ed2_torch_worker/protocol.py). */
export const TORCH_PROTOCOL_VERSION = 1;

/** A tensor on the wire: little-endian row-major bytes. */
export interface WireTensor {
  readonly dtype: 'f32' | 'i32';
  readonly shape: readonly number[];
  readonly data: Uint8Array;
}

/** What the worker says first. */
export interface TorchWorkerHello {
  readonly protocol: number;
  readonly python: string;
  readonly torch: string;
  readonly transformers: string;
  readonly peft: string;
  readonly device: string;
  readonly cuda: boolean;
  readonly cudaDevices: readonly string[];
  readonly worldSize: number;
  readonly pid: number;
}

interface Response {
  readonly id: number;
  readonly ok: boolean;
  readonly result?: Record<string, unknown>;
  readonly error?: { readonly type: string; readonly message: string; readonly traceback: string };
}

/** The worker crashed, broke the protocol, or an operation raised in Python (its traceback and stderr attached). */
export class TorchWorkerError extends RecError {
  constructor(
    message: string,
    readonly details: { readonly traceback?: string; readonly stderr?: string; readonly exitCode?: number | null; readonly signal?: string | null },
    hint: string,
  ) {
    super('E_WORKER', message, { hint });
    this.name = 'TorchWorkerError';
  }
}

export function f32ToWire(data: Float32Array, shape: readonly number[]): WireTensor {
  return { dtype: 'f32', shape, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

export function wireToF32(t: WireTensor): Float32Array {
  if (t.dtype !== 'f32') throw new RecError('E_WORKER', `torch worker sent a ${t.dtype} tensor where float32 was expected`, { hint: 'Worker and package versions differ: reinstall @ed2/backbones.' });
  const copy = new Uint8Array(t.data.byteLength);
  copy.set(t.data);
  return new Float32Array(copy.buffer);
}

const lastLines = (s: string, n = 25) => s.trimEnd().split('\n').slice(-n).join('\n');

/**
 * Typed, versioned request/response over a `SyncWorkerProcess`: msgpack maps `{id, op, args}` → `{id, ok, result |
 * error}`, checked hello (protocol version) first. Calls block; a crash or a Python exception becomes a
 * `TorchWorkerError` carrying the traceback and the worker's last stderr.
 */
export class TorchWorkerClient {
  private readonly packr = new Packr({ useRecords: false, mapsAsObjects: true });
  private nextId = 1;
  private closed = false;

  private constructor(
    private readonly proc: SyncWorkerProcess,
    private readonly describe: string,
    readonly hello: TorchWorkerHello,
  ) {}

  /** Waits (without blocking the event loop) for the worker's hello and checks its protocol version. */
  static async start(proc: SyncWorkerProcess, describe: string, startTimeoutMs = 180_000): Promise<TorchWorkerClient> {
    const packr = new Packr({ useRecords: false, mapsAsObjects: true });
    const frame = await proc.nextFrameAsync(startTimeoutMs);
    if (!frame) {
      const probe = new TorchWorkerClient(proc, describe, {} as TorchWorkerHello);
      throw probe.deadError(proc.exit ? 'starting' : `starting (no hello within ${Math.round(startTimeoutMs / 1000)} s)`);
    }
    const h = (packr.unpack(frame) as Response).result as unknown as TorchWorkerHello | undefined;
    if (!h || h.protocol !== TORCH_PROTOCOL_VERSION) {
      proc.close(1000);
      throw new TorchWorkerError(`torch worker (${describe}) speaks protocol ${String(h?.protocol)}, this package speaks ${TORCH_PROTOCOL_VERSION}`, {}, 'The Python worker and the TypeScript package come from different versions: use the worker shipped in @ed2/backbones/python.');
    }
    return new TorchWorkerClient(proc, describe, h);
  }

  /** False once the worker exited or was shut down. */
  get alive(): boolean {
    return !this.closed && !this.proc.exit;
  }

  get pid(): number | undefined {
    return this.proc.pid ?? this.hello.pid;
  }

  private post(op: string, args: Record<string, unknown>): number {
    if (this.closed) throw new TorchWorkerError(`torch worker (${this.describe}) was already shut down (op '${op}')`, {}, 'Create a new backbone; a disposed one cannot be used.');
    const id = this.nextId++;
    this.proc.send(this.packr.pack({ id, op, args }));
    return id;
  }

  private receive<T>(id: number, op: string, frame: Uint8Array | undefined): T {
    if (!frame) throw this.deadError(`'${op}'`);
    const res = this.packr.unpack(frame) as Response;
    if (res.id !== id) throw new TorchWorkerError(`torch worker (${this.describe}) answered request ${res.id}, expected ${id}`, {}, 'A protocol bug: report it with the worker stderr.');
    if (!res.ok) {
      const e = res.error!;
      const stderr = this.proc.stderrTail();
      throw new TorchWorkerError(`torch worker (${this.describe}) failed in '${op}': ${e.type}: ${e.message}\n${lastLines(e.traceback)}`, { traceback: e.traceback, stderr }, 'The Python traceback above names the problem; the worker is still running.');
    }
    return (res.result ?? {}) as T;
  }

  /** One blocking call (what a gradient tape or a beam step needs). */
  call<T = Record<string, unknown>>(op: string, args: Record<string, unknown> = {}): T {
    const id = this.post(op, args);
    return this.receive<T>(id, op, this.proc.nextFrame());
  }

  /** One call that leaves the event loop running while the worker computes (loading, encoding, saving). */
  async callAsync<T = Record<string, unknown>>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.post(op, args);
    return this.receive<T>(id, op, await this.proc.nextFrameAsync());
  }

  private deadError(during: string): TorchWorkerError {
    const info = this.proc.exit;
    this.closed = true;
    const how = info?.exit.error ? `could not start (${info.exit.error})` : info ? `exited (${info.exit.signal ? `signal ${info.exit.signal}` : `code ${String(info.exit.code)}`})` : 'did not answer';
    const stderr = info?.stderr ?? this.proc.stderrTail();
    return new TorchWorkerError(`torch worker (${this.describe}) ${how} during ${during}; its last stderr:\n${lastLines(stderr) || '(empty)'}`, { stderr, exitCode: info?.exit.code ?? null, signal: info?.exit.signal ?? null }, 'Fix what the stderr names (out of memory, a missing module, a killed process), then rerun with --resume to continue from the last checkpoint.');
  }

  /** Asks the worker to exit and waits for it (kills it after `graceMs`). */
  shutdown(graceMs = 5000): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.proc.exit) {
      this.proc.send(this.packr.pack({ id: this.nextId++, op: 'shutdown', args: {} }));
      this.proc.nextFrame(graceMs);
    }
    this.proc.close(graceMs);
  }
}
