import type { Corpus, InstructionSample, InstructionTask, TaskContext, TaskRequirement } from '@ed2/core';
import { alignmentConfig, type AlignmentConfig } from './alignment-config';
import { alignmentRequires, alignmentSamples } from './alignment-samples';
import { itemIndexTemplates } from './item-index-templates';
import { TemplatePicker } from './template-picker';

/** LC-Rec alignment task `item-index`: item text (title/description) → item index. Training samples only. */
export class ItemIndexTask implements InstructionTask {
  readonly name = 'item-index';
  readonly templates = itemIndexTemplates.map((t) => t.id);
  private readonly config: AlignmentConfig;
  private readonly picker: TemplatePicker;

  constructor(config: Partial<AlignmentConfig> = {}) {
    this.config = alignmentConfig.parse(config);
    this.picker = new TemplatePicker(this.name, itemIndexTemplates, this.config.templates);
  }

  requires(corpus: Corpus): TaskRequirement {
    return alignmentRequires(corpus, this.config);
  }

  samples(ctx: TaskContext): InstructionSample[] {
    return alignmentSamples(this.name, this.picker, this.config, ctx);
  }
}
