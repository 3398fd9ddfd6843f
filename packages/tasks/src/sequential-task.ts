import { indexText, type Corpus, type DualIndex, type InstructionSample, type InstructionTask, type ItemId, type TaskContext, type TaskRequirement, type UserId } from '@ed2/core';
import { z } from 'zod';
import { sequentialTemplates } from './sequential-templates';
import { taskOptions } from './task-options';
import { TemplatePicker } from './template-picker';

export const sequentialConfig = z
  .object({
    templates: taskOptions.templates,
    maxHistory: taskOptions.maxHistory,
    separator: taskOptions.separator,
    evalTemplates: z
      .enum(['sample', 'all'])
      .default('sample')
      .describe('Valid/test prompts: one seeded template per case (sample), or one sample per case and template (all), so metrics can be averaged over templates.'),
  })
  .strict()
  .describe('sequential: user index + item history → next item index');
export type SequentialConfig = z.infer<typeof sequentialConfig>;

/**
 * Next-item prediction. Training: one sample per prefix of each user's training sequence (the
 * item after the prefix is the response). Valid/test: the split's held-out cases, built the same way.
 */
export class SequentialTask implements InstructionTask {
  readonly name = 'sequential';
  readonly templates = sequentialTemplates.map((t) => t.id);
  private readonly config: SequentialConfig;
  private readonly picker: TemplatePicker;

  constructor(config: Partial<SequentialConfig> = {}) {
    this.config = sequentialConfig.parse(config);
    this.picker = new TemplatePicker(this.name, sequentialTemplates, this.config.templates);
  }

  requires(corpus: Corpus): TaskRequirement {
    return corpus.sequences.some((s) => s.length >= 2) ? { ok: true } : { ok: false, reason: `corpus "${corpus.name}" has no user with two or more interactions` };
  }

  samples(ctx: TaskContext): InstructionSample[] {
    const { split, part } = ctx;
    const rng = ctx.rng.fork('templates');
    const out: InstructionSample[] = [];
    if (part === 'train') {
      split.train.forEach((seq, user) => {
        for (let t = 1; t < seq.length; t++) out.push(this.sample(ctx, rng, user, seq.slice(Math.max(0, t - this.config.maxHistory), t), seq[t]));
      });
    } else {
      for (const c of part === 'valid' ? split.valid : split.test) {
        if (c.history.length === 0) continue;
        const history = c.history.slice(-this.config.maxHistory);
        if (this.config.evalTemplates === 'all') for (const t of this.picker.templates) out.push(this.sample(ctx, rng, c.user, history, c.target, t.id));
        else out.push(this.sample(ctx, rng, c.user, history, c.target));
      }
    }
    return out;
  }

  /** The prompt of template `template` for a ranking case (what the generative recommender asks at test time). */
  evalPrompt(index: DualIndex, user: UserId, history: readonly ItemId[], template: string): string {
    const h = history.slice(-this.config.maxHistory);
    const vars = {
      user: index.user ? indexText(index.user, user) : undefined,
      history: h.map((i) => indexText(index.item, i)).join(this.config.separator),
      target: '',
    };
    return this.picker.fillWith(template, vars, index.user !== undefined).prompt;
  }

  /** Template ids in use (the configured subset, or all). */
  get activeTemplates(): string[] {
    return this.picker.templates.map((t) => t.id);
  }

  private sample(ctx: TaskContext, rng: TaskContext['rng'], user: UserId, history: readonly ItemId[], target: ItemId, template?: string): InstructionSample {
    const index: DualIndex = ctx.index;
    const vars = {
      user: index.user ? indexText(index.user, user) : undefined,
      history: history.map((i) => indexText(index.item, i)).join(this.config.separator),
      target: indexText(index.item, target),
    };
    const f = template ? this.picker.fillWith(template, vars, index.user !== undefined) : this.picker.fill(rng, vars, index.user !== undefined);
    return { task: this.name, template: f.template, prompt: f.prompt, response: f.response, split: ctx.part, user, item: target, meta: { historyLength: history.length } };
  }
}
