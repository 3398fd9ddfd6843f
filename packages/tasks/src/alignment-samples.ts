import { indexText, type Corpus, type InstructionSample, type TaskContext, type TaskRequirement } from '@ed2/core';
import type { AlignmentConfig } from './alignment-config';
import { anyItemText, itemText } from './item-text';
import type { TemplatePicker } from './template-picker';

/** Requirement shared by `item-index` / `index-item`: some item has text in the configured fields. */
export function alignmentRequires(corpus: Corpus, config: AlignmentConfig): TaskRequirement {
  return anyItemText(corpus.items, config.fields) ? { ok: true } : { ok: false, reason: `corpus "${corpus.name}" has no item ${config.fields.join('/')} text` };
}

/**
 * `samplesPerItem` samples for each item with text, in item order (training part only: item text
 * and indices are not user data, so they hold nothing held-out). Templates get `{item}` = the
 * index, `{text}` = the item text; the target `{target}` is the index.
 */
export function alignmentSamples(task: string, picker: TemplatePicker, config: AlignmentConfig, ctx: TaskContext): InstructionSample[] {
  if (ctx.part !== 'train') return [];
  const rng = ctx.rng.fork('templates');
  const out: InstructionSample[] = [];
  for (const item of ctx.corpus.items) {
    const text = itemText(item, config.fields, config.maxWords);
    if (!text) continue;
    const idx = indexText(ctx.index.item, item.id);
    for (let n = 0; n < config.samplesPerItem; n++) {
      const f = picker.fill(rng, { item: idx, text, target: idx }, true);
      out.push({ task, template: f.template, prompt: f.prompt, response: f.response, split: 'train', item: item.id });
    }
  }
  return out;
}
