/** Progress of a long operation: `current` of `total` units (total 0 when unknown). */
export interface ProgressEvent {
  readonly type: 'progress';
  /** Stable id of the operation, e.g. `train/sasrec/epoch-3` or `eval/test`. */
  readonly id: string;
  /** Human label, e.g. "epoch 3/200". */
  readonly label: string;
  readonly current: number;
  readonly total: number;
  readonly unit?: string;
  /** Live numbers to show next to the bar (loss, throughput). */
  readonly info?: Readonly<Record<string, number | string>>;
  readonly done?: boolean;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogEvent {
  readonly type: 'log';
  readonly level: LogLevel;
  readonly message: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** A named scalar at a step (training loss, validation metric), for curves and reports. */
export interface MetricEvent {
  readonly type: 'metric';
  readonly name: string;
  readonly value: number;
  readonly step: number;
  readonly split?: string;
}

export type RecEvent = ProgressEvent | LogEvent | MetricEvent;
export type RecEventListener = (event: RecEvent) => void;

/** Handle returned by `EventBus.progress` to report a running operation. */
export interface ProgressHandle {
  tick(by?: number, info?: Readonly<Record<string, number | string>>): void;
  update(current: number, info?: Readonly<Record<string, number | string>>): void;
  done(info?: Readonly<Record<string, number | string>>): void;
}

/**
 * The one channel for progress, logs and metrics. Components emit; the CLI renders bars and log
 * lines; tests collect. Listener errors are isolated so a broken renderer cannot kill a run.
 */
export class EventBus {
  private readonly listeners = new Set<RecEventListener>();

  on(listener: RecEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: RecEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // a renderer must never break the computation
      }
    }
  }

  log(level: LogLevel, message: string, data?: Readonly<Record<string, unknown>>): void {
    this.emit(data === undefined ? { type: 'log', level, message } : { type: 'log', level, message, data });
  }

  info(message: string, data?: Readonly<Record<string, unknown>>): void {
    this.log('info', message, data);
  }

  warn(message: string, data?: Readonly<Record<string, unknown>>): void {
    this.log('warn', message, data);
  }

  debug(message: string, data?: Readonly<Record<string, unknown>>): void {
    this.log('debug', message, data);
  }

  metric(name: string, value: number, step: number, split?: string): void {
    this.emit(split === undefined ? { type: 'metric', name, value, step } : { type: 'metric', name, value, step, split });
  }

  /** Start reporting an operation of `total` units; throttling is the renderer's job. */
  progress(id: string, label: string, total: number, unit?: string): ProgressHandle {
    let current = 0;
    const send = (done: boolean, info?: Readonly<Record<string, number | string>>) =>
      this.emit({ type: 'progress', id, label, current, total, ...(unit ? { unit } : {}), ...(info ? { info } : {}), ...(done ? { done } : {}) });
    send(false);
    return {
      tick: (by = 1, info) => {
        current += by;
        send(false, info);
      },
      update: (c, info) => {
        current = c;
        send(false, info);
      },
      done: (info) => {
        if (total > 0) current = total;
        send(true, info);
      },
    };
  }
}
