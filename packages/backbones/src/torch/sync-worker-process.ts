import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

/** How the child process ended (or `undefined` while it runs). */
export interface WorkerExit {
  readonly code: number | null;
  readonly signal: string | null;
  /** Spawn failure (e.g. ENOENT for a missing interpreter). */
  readonly error?: string;
}

export interface SyncWorkerProcessOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Bytes of the child's stderr kept for error messages. */
  readonly stderrTail?: number;
  /** Copy the child's stderr to this process's stderr as it arrives. */
  readonly echoStderr?: boolean;
}

/** `Atomics.waitAsync` (Node ≥ 16; not in this TypeScript lib). */
const waitAsync = (Atomics as unknown as { waitAsync: (a: Int32Array, i: number, v: number, t: number) => { async: boolean; value: Promise<string> | string } }).waitAsync;

type FromThread = { kind: 'frame'; data: Uint8Array } | { kind: 'exit'; exit: WorkerExit; stderr: string } | { kind: 'spawned'; pid: number } | { kind: 'stderr'; text: string };

/*
 * The worker thread that owns the child process. The backbone contract is synchronous where an engine must run
 * inside the caller's gradient tape (responseNllSum, pooled, lossAndRowGrads, BeamDecoder.advance), and Node has
 * no blocking read on a child's pipe; so the child is driven from this thread and the main thread blocks on an
 * Atomics counter until the reply frame (or the child's exit) has been posted back — the pattern of `synckit`,
 * hand-written here because it is 60 lines and the framing (4-byte big-endian length + payload) must sit next to
 * the pipe. Plain JS (eval'd), so it runs unchanged from TypeScript sources under vitest and from dist.
 */
const THREAD_SOURCE = `
const { workerData } = require('node:worker_threads');
const { spawn } = require('node:child_process');
const { command, args, env, cwd, counter, port, tailBytes, echo } = workerData;
const flag = new Int32Array(counter);
const post = (m) => { port.postMessage(m); Atomics.add(flag, 0, 1); Atomics.notify(flag, 0); };
let tail = '';
const child = spawn(command, args, { env: { ...process.env, ...env }, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
let exited = false;
child.on('spawn', () => post({ kind: 'spawned', pid: child.pid }));
child.on('error', (e) => { if (!exited) { exited = true; post({ kind: 'exit', exit: { code: null, signal: null, error: String(e && e.message || e) }, stderr: tail }); } });
child.stderr.on('data', (b) => { const s = b.toString('utf8'); tail = (tail + s).slice(-tailBytes); if (echo) process.stderr.write(s); });
let buf = Buffer.alloc(0);
child.stdout.on('data', (b) => {
  buf = buf.length ? Buffer.concat([buf, b]) : b;
  while (buf.length >= 4) {
    const n = buf.readUInt32BE(0);
    if (buf.length < 4 + n) break;
    const frame = new Uint8Array(n);
    frame.set(buf.subarray(4, 4 + n));
    buf = buf.subarray(4 + n);
    post({ kind: 'frame', data: frame });
  }
});
child.on('close', (code, signal) => { if (!exited) { exited = true; post({ kind: 'exit', exit: { code, signal }, stderr: tail }); } });
child.stdin.on('error', () => {});
port.on('message', (m) => {
  if (m.kind === 'send') { const head = Buffer.alloc(4); head.writeUInt32BE(m.data.length, 0); child.stdin.write(head); child.stdin.write(m.data); }
  else if (m.kind === 'end') child.stdin.end();
  else if (m.kind === 'kill') { try { child.kill(m.signal); } catch {} }
  else if (m.kind === 'tail') post({ kind: 'stderr', text: tail });
});
`;

/**
 * A child process spoken to in length-prefixed frames, with a blocking `request` (see THREAD_SOURCE for why).
 * The child's stdin closes when this process exits (so a worker that exits on stdin EOF cannot outlive it).
 */
export class SyncWorkerProcess {
  private readonly thread: Worker;
  private readonly port: MessagePort;
  private readonly flag: Int32Array;
  private readonly inbox: FromThread[] = [];
  private exitInfo: { exit: WorkerExit; stderr: string } | undefined;
  pid: number | undefined;

  constructor(o: SyncWorkerProcessOptions) {
    const counter = new SharedArrayBuffer(4);
    this.flag = new Int32Array(counter);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.thread = new Worker(THREAD_SOURCE, {
      eval: true,
      workerData: { command: o.command, args: [...o.args], env: { ...(o.env ?? {}) }, cwd: o.cwd, counter, port: port2, tailBytes: o.stderrTail ?? 8192, echo: o.echoStderr ?? false },
      transferList: [port2],
      stdout: false,
      stderr: false,
    });
    this.thread.unref();
    this.port.unref();
  }

  /** The child's exit, if it has exited (non-blocking). */
  get exit(): { exit: WorkerExit; stderr: string } | undefined {
    this.drain();
    return this.exitInfo;
  }

  private drain(): void {
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
      const msg = m.message as FromThread;
      if (msg.kind === 'exit') this.exitInfo = { exit: msg.exit, stderr: msg.stderr };
      else if (msg.kind === 'spawned') this.pid = msg.pid;
      else this.inbox.push(msg);
    }
  }

  /** Blocks until the next frame from the child; `undefined` when the child exited first (see `exit`). */
  nextFrame(timeoutMs = Number.POSITIVE_INFINITY): Uint8Array | undefined {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const seen = Atomics.load(this.flag, 0);
      this.drain();
      const i = this.inbox.findIndex((m) => m.kind === 'frame');
      if (i >= 0) return (this.inbox.splice(i, 1)[0] as { data: Uint8Array }).data;
      if (this.exitInfo) return undefined;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      Atomics.wait(this.flag, 0, seen, Math.min(left, 1000));
    }
  }

  /** Like `nextFrame` without blocking the event loop (start-up, long calls: timers and progress keep running). */
  async nextFrameAsync(timeoutMs = Number.POSITIVE_INFINITY): Promise<Uint8Array | undefined> {
    const deadline = Date.now() + timeoutMs;
    const keepAlive = setInterval(() => undefined, 1 << 30); // a pending Atomics.waitAsync does not keep Node running
    try {
      for (;;) {
        const seen = Atomics.load(this.flag, 0);
        const f = this.nextFrame(0);
        if (f || this.exitInfo) return f;
        const left = deadline - Date.now();
        if (left <= 0) return undefined;
        const w = waitAsync(this.flag, 0, seen, Math.min(left, 1000));
        if (w.async) await w.value;
      }
    } finally {
      clearInterval(keepAlive);
    }
  }

  send(frame: Uint8Array): void {
    this.port.postMessage({ kind: 'send', data: frame });
  }

  /** The child's latest stderr (blocks briefly for the thread's copy). */
  stderrTail(): string {
    if (this.exitInfo) return this.exitInfo.stderr;
    this.port.postMessage({ kind: 'tail' });
    const deadline = Date.now() + 2000;
    for (;;) {
      const seen = Atomics.load(this.flag, 0);
      this.drain();
      const i = this.inbox.findIndex((m) => m.kind === 'stderr');
      if (i >= 0) return (this.inbox.splice(i, 1)[0] as { text: string }).text;
      const ended = this.exit;
      if (ended) return ended.stderr;
      if (Date.now() > deadline) return '';
      Atomics.wait(this.flag, 0, seen, 200);
    }
  }

  /** Closes the child's stdin and waits up to `graceMs` for it to exit, then kills it; ends the thread. */
  close(graceMs = 5000): void {
    if (!this.exit) {
      this.port.postMessage({ kind: 'end' });
      const deadline = Date.now() + graceMs;
      while (!this.exit && Date.now() < deadline) {
        const seen = Atomics.load(this.flag, 0);
        Atomics.wait(this.flag, 0, seen, 100);
      }
      if (!this.exit) {
        this.port.postMessage({ kind: 'kill', signal: 'SIGKILL' });
        const until = Date.now() + 2000;
        while (!this.exit && Date.now() < until) Atomics.wait(this.flag, 0, Atomics.load(this.flag, 0), 100);
      }
    }
    void this.thread.terminate();
    this.port.close();
  }
}
