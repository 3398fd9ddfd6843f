import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { RecError } from '../errors/rec-error';

/** Whether a process with this pid is alive on this machine (EPERM = alive but not ours). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface LockContent {
  pid: number;
  host: string;
  since: string;
}

/**
 * An exclusive lock file holding `{ pid, host, since }`. Created with O_EXCL; a lock left by a dead
 * process on this host (or an unreadable one) is taken over, a live holder is an error. Hand-written
 * (~50 lines) because lock-file packages use mtime staleness, not the holder's pid, which is what a
 * killed training run leaves behind. Released on `release()` or, as a fallback, on process exit.
 */
export class RunLock {
  private held = true;
  private readonly onExit = () => this.release();

  private constructor(readonly file: string) {
    process.once('exit', this.onExit);
  }

  static acquire(file: string, what: string): RunLock {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(file, 'wx');
        try {
          const content: LockContent = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
          writeSync(fd, `${JSON.stringify(content)}\n`);
        } finally {
          closeSync(fd);
        }
        return new RunLock(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new RecError('E_RUN_DIR', `Cannot create lock file ${file}: ${(e as Error).message}`, { cause: e, hint: 'Check that the run folder is writable.' });
        }
      }
      const holder = readHolder(file);
      if (holder && (holder.host !== hostname() || isProcessAlive(holder.pid))) {
        throw new RecError('E_RUN_DIR', `${what} is in use by process ${holder.pid} on ${holder.host} (since ${holder.since})`, {
          hint: `Wait for that run to end, stop it, or choose another --out. If no such process exists, delete ${file}.`,
        });
      }
      try {
        unlinkSync(file); // stale: its process is gone
      } catch {
        // another process took it over first; the next attempt sees its lock
      }
    }
    throw new RecError('E_RUN_DIR', `${what} is being locked by another process at the same time`, { hint: 'Start one run per output folder.' });
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    process.removeListener('exit', this.onExit);
    try {
      const holder = readHolder(this.file);
      if (holder?.pid === process.pid) unlinkSync(this.file);
    } catch {
      // already gone
    }
  }
}

function readHolder(file: string): LockContent | undefined {
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockContent>;
    if (typeof c.pid !== 'number') return undefined;
    return { pid: c.pid, host: typeof c.host === 'string' ? c.host : hostname(), since: typeof c.since === 'string' ? c.since : '?' };
  } catch {
    return undefined;
  }
}
