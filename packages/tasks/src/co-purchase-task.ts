import { associatedUsers, indexText, type Corpus, type DualIndex, type InstructionSample, type InstructionTask, type TaskContext, type TaskRequirement } from '@ed2/core';
import { z } from 'zod';
import { coPurchaseTemplates } from './co-purchase-templates';
import { taskOptions } from './task-options';
import { TemplatePicker } from './template-picker';

export const coPurchaseConfig = z
  .object({
    templates: taskOptions.templates,
    separator: taskOptions.separator,
    samplesPerItem: z.number().int().min(1).default(1).describe('Samples drawn per item (each picks a target user and context users).'),
    maxUsers: z.number().int().min(1).default(5).describe('Most context users named in a prompt.'),
  })
  .strict()
  .describe('co-purchase: item index + users who bought it → another user who bought it');
export type CoPurchaseConfig = z.infer<typeof coPurchaseConfig>;

/**
 * High-order user–user pattern through an item. Users come from the associated user collection
 * A_k built from TRAINING interactions only (`associatedUsers(split)`), so a user whose only
 * interaction with k is held out never appears. Items with fewer than two such users are skipped.
 * Training samples only (valid/test: none).
 */
export class CoPurchaseTask implements InstructionTask {
  readonly name = 'co-purchase';
  readonly templates = coPurchaseTemplates.map((t) => t.id);
  private readonly config: CoPurchaseConfig;
  private readonly picker: TemplatePicker;

  constructor(config: Partial<CoPurchaseConfig> = {}) {
    this.config = coPurchaseConfig.parse(config);
    this.picker = new TemplatePicker(this.name, coPurchaseTemplates, this.config.templates);
  }

  requires(corpus: Corpus, index?: DualIndex): TaskRequirement {
    if (index && !index.user) return { ok: false, reason: 'co-purchase answers with a user index, and this model has no user index (item-only)' };
    return corpus.sequences.length >= 2 ? { ok: true } : { ok: false, reason: `corpus "${corpus.name}" has fewer than two users` };
  }

  samples(ctx: TaskContext): InstructionSample[] {
    const { index, part } = ctx;
    if (part !== 'train' || !index.user) return [];
    const userIndex = index.user;
    const users = ctx.rng.fork('users');
    const templates = ctx.rng.fork('templates');
    const out: InstructionSample[] = [];
    const collection = associatedUsers(ctx.split);
    const items = [...collection.keys()].sort((a, b) => a - b);
    for (const item of items) {
      const a = collection.get(item)!;
      if (a.length < 2) continue;
      for (let n = 0; n < this.config.samplesPerItem; n++) {
        const target = users.choice(a);
        const context = users.sample(
          a.filter((u) => u !== target),
          this.config.maxUsers,
        );
        const f = this.picker.fill(
          templates,
          {
            item: indexText(index.item, item),
            users: context.map((u) => indexText(userIndex, u)).join(this.config.separator),
            target: indexText(userIndex, target),
          },
          true,
        );
        out.push({ task: this.name, template: f.template, prompt: f.prompt, response: f.response, split: part, user: target, item, meta: { contextUsers: context.length } });
      }
    }
    return out;
  }
}
