import type { Corpus, ItemId, UserId } from './corpus';
import type { DualIndex } from './entity-index';
import type { Split } from './split';
import type { Rng } from '../random/rng';

/** Which part of the leave-one-out split a sample belongs to. */
export type SamplePart = 'train' | 'valid' | 'test';

/**
 * One (prompt, response) instruction for the LLM, written with index tokens and natural language.
 * `task` and `template` name what made it, so evaluation can average over templates.
 * `user` / `item` are the entities the sample is about (`item`: the target or anchor item).
 */
export interface InstructionSample {
  readonly task: string;
  /** Template id, unique within the task (e.g. `sequential/2`). */
  readonly template: string;
  readonly prompt: string;
  readonly response: string;
  readonly split: SamplePart;
  readonly user?: UserId;
  readonly item?: ItemId;
  /** Small facts about how the sample was made (e.g. `querySource: 'review' | 'item'`). */
  readonly meta?: Readonly<Record<string, string | number | boolean>>;
}

/** Whether a task can run on a corpus; `reason` names the missing data. `note` flags a partial run. */
export type TaskRequirement = { readonly ok: true; readonly note?: string } | { readonly ok: false; readonly reason: string };

/** Everything a task reads. `rng` is already forked for this task and part by the caller. */
export interface TaskContext {
  readonly corpus: Corpus;
  readonly split: Split;
  readonly index: DualIndex;
  readonly rng: Rng;
  readonly part: SamplePart;
}

/**
 * An instruction task plugin (`tasks:<name>`). `samples` never reads held-out (valid/test)
 * interactions for `part: 'train'`; tasks without evaluation samples return none for valid/test.
 * `templates` lists every template id the task can emit.
 */
export interface InstructionTask {
  readonly name: string;
  readonly templates: readonly string[];
  /** `index` is given when known: a task that needs the user index can refuse item-only models. */
  requires(corpus: Corpus, index?: DualIndex): TaskRequirement;
  samples(ctx: TaskContext): Iterable<InstructionSample>;
}
