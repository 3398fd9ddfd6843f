import { RecError, type Corpus, type DualIndex, type EventBus, type InstructionSample, type InstructionTask, type Rng, type SamplePart, type Split } from '@ed2/core';

export interface BuildContext {
  readonly corpus: Corpus;
  readonly split: Split;
  readonly index: DualIndex;
  /** Each task gets `rng.fork('<task>/<part>')`, so adding a task never changes another's samples. */
  readonly rng: Rng;
  readonly part: SamplePart;
  /** Skipped tasks are reported here as one `warn` event each; partial runs as `info`. */
  readonly events: EventBus;
  /** Checked before each task; an aborted build throws E_ABORTED. */
  readonly signal?: AbortSignal;
}

/**
 * Samples of every task for one part, task after task in the given order. A task whose
 * `requires` fails is skipped with ONE warning event naming the task and the missing data.
 * Progress events (`tasks/<part>`) tick once per task.
 */
export function buildInstructionSamples(tasks: readonly InstructionTask[], ctx: BuildContext): InstructionSample[] {
  const out: InstructionSample[] = [];
  const seen = new Set<string>();
  const progress = ctx.events.progress(`tasks/${ctx.part}`, `instruction samples (${ctx.part})`, tasks.length, 'tasks');
  for (const task of tasks) {
    if (ctx.signal?.aborted) throw new RecError('E_ABORTED', `Building ${ctx.part} instruction samples was aborted before task "${task.name}"`, { cause: ctx.signal.reason });
    progress.tick(1, { task: task.name, samples: out.length });
    if (seen.has(task.name)) continue;
    seen.add(task.name);
    const req = task.requires(ctx.corpus, ctx.index);
    if (!req.ok) {
      ctx.events.warn(`task "${task.name}" skipped: ${req.reason}`, { task: task.name, reason: req.reason, part: ctx.part });
      continue;
    }
    if (req.note) ctx.events.info(`task "${task.name}": ${req.note}`, { task: task.name, note: req.note, part: ctx.part });
    const { corpus, split, index, part } = ctx;
    for (const s of task.samples({ corpus, split, index, part, rng: ctx.rng.fork(`${task.name}/${part}`) })) out.push(s);
  }
  progress.done({ samples: out.length });
  return out;
}

/** Sample counts per task (and per template), for reports. */
export function countSamples(samples: Iterable<InstructionSample>): Record<string, { total: number; templates: Record<string, number> }> {
  const out: Record<string, { total: number; templates: Record<string, number> }> = {};
  for (const s of samples) {
    const c = (out[s.task] ??= { total: 0, templates: {} });
    c.total++;
    c.templates[s.template] = (c.templates[s.template] ?? 0) + 1;
  }
  return out;
}
