import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import { isatty } from 'node:tty';

/**
 * Runs `load` (a native addon's `require`) with file descriptor 2 pointed at /dev/null, then restores it.
 *
 * Why by hand: TensorFlow ≥ 2.16 logs through Abseil, and what it logs while its libraries initialise (the
 * "oneDNN custom operations are on" line and Abseil's "All log messages before absl::InitializeLog()" warning)
 * is written straight to fd 2 before TensorFlow reads TF_CPP_MIN_LOG_LEVEL, so the variable cannot silence it;
 * `TF_ENABLE_ONEDNN_OPTS=0` would, but changes the kernels and with them every result. Node has no dup2 and no
 * library does this without a native addon of its own, so fd 2 is reopened through /proc/self/fd (Linux): the
 * lowest free descriptor is the one `open` returns, so close(2) + open(/dev/null) makes /dev/null fd 2.
 * Applied only where it is safe — fd 2 a terminal, a pipe, or a file not shared with stdout (a file shared
 * through `2>&1` would lose its common offset) — otherwise `load` runs as is: a socket (the stdio "pipes" of
 * Node's child_process) cannot be reopened through /proc, so there the start-up lines still show. Messages logged after start-up
 * still follow TF_CPP_MIN_LOG_LEVEL.
 */
export function withNativeStderrSilenced<T>(load: () => T): T {
  let saved: number | undefined;
  try {
    // O_NONBLOCK: opening a pipe whose reader is gone fails at once (ENXIO) instead of blocking; nothing writes to it
    if (process.platform === 'linux' && safeToReopen()) saved = openSync('/proc/self/fd/2', constants.O_WRONLY | constants.O_APPEND | constants.O_NONBLOCK);
  } catch {
    saved = undefined;
  }
  if (saved === undefined) return load();
  closeSync(2);
  const nul = openSync('/dev/null', 'a'); // = 2: 0 and 1 are open (checked), so 2 is the lowest free descriptor
  try {
    return load();
  } finally {
    closeSync(nul);
    openSync(`/proc/self/fd/${saved}`, 'a'); // back on 2, the lowest free descriptor again
    closeSync(saved);
  }
}

function safeToReopen(): boolean {
  fstatSync(0); // throws when stdin or stdout is closed: 2 would then not be the descriptor open() returns
  fstatSync(1);
  if (isatty(2)) return true;
  const err = fstatSync(2);
  if (err.isFIFO()) return true;
  if (!err.isFile()) return false; // a socket cannot be reopened through /proc
  try {
    const out = fstatSync(1);
    return !(out.dev === err.dev && out.ino === err.ino);
  } catch {
    return true;
  }
}
