import cliProgress from 'cli-progress';
import type { EventBus, RecEvent } from '@ed2/core';

export interface RendererOptions {
  /** Draw bars (a TTY); otherwise print one line per finished operation. */
  readonly bars: boolean;
  readonly write: (line: string) => void;
  readonly verbose?: boolean;
}

const fmtValue = (v: number | string) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(4)).toString() : String(v));
const fmtInfo = (info?: Readonly<Record<string, number | string>>) =>
  info ? Object.entries(info).map(([k, v]) => `${k} ${fmtValue(v)}`).join('  ') : '';

/**
 * Turns the run's progress / log events into terminal output: one cli-progress bar per running
 * operation (removed when done, with a summary line kept), log lines above the bars.
 * Returns a function that detaches and stops the bars.
 */
export function renderProgress(events: EventBus, options: RendererOptions): () => void {
  const multi = options.bars
    ? new cliProgress.MultiBar(
        { format: ' {label} |{bar}| {value}/{total} {unit} {info}', hideCursor: true, clearOnComplete: true, etaBuffer: 50, stopOnComplete: false },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const bars = new Map<string, cliProgress.SingleBar>();
  const started = new Map<string, number>();
  // the live numbers last seen per operation: a `done` without its own keeps them (the epoch's loss off a terminal)
  const lastInfo = new Map<string, Readonly<Record<string, number | string>>>();
  const say = (line: string) => (multi ? multi.log(`${line}\n`) : options.write(line));
  const onEvent = (e: RecEvent) => {
    if (e.type === 'log') {
      if (e.level === 'debug' && !options.verbose) return;
      say(e.level === 'info' ? e.message : `${e.level}: ${e.message}`);
      return;
    }
    if (e.type !== 'progress') return;
    if (!started.has(e.id)) started.set(e.id, Date.now());
    const info = e.info ?? (e.done ? lastInfo.get(e.id) : undefined);
    if (e.info) lastInfo.set(e.id, e.info);
    const payload = { label: e.label, unit: e.unit ?? '', info: fmtInfo(info) };
    if (e.done) {
      lastInfo.delete(e.id);
      const bar = bars.get(e.id);
      if (bar) {
        bar.update(e.total || e.current, payload);
        multi?.remove(bar);
        bars.delete(e.id);
      }
      const secs = (Date.now() - (started.get(e.id) ?? Date.now())) / 1000;
      started.delete(e.id);
      say(`${e.label}: ${e.current}${e.total ? `/${e.total}` : ''} ${e.unit ?? ''} in ${secs.toFixed(1)}s ${fmtInfo(info)}`.replace(/\s+$/, ''));
      return;
    }
    if (!multi) return;
    let bar = bars.get(e.id);
    if (!bar) {
      bar = multi.create(Math.max(e.total, 1), e.current, payload);
      bars.set(e.id, bar);
    } else {
      if (e.total && bar.getTotal() !== e.total) bar.setTotal(e.total);
      bar.update(e.current, payload);
    }
  };
  const off = events.on(onEvent);
  return () => {
    off();
    multi?.stop();
  };
}
