import type { Corpus, InstructionSample, InstructionTask, TaskContext, TaskRequirement } from '@ed2/core';
import { alignmentConfig, type AlignmentConfig } from './alignment-config';
import { alignmentRequires, alignmentSamples } from './alignment-samples';
import { indexItemTemplates } from './index-item-templates';
import { TemplatePicker } from './template-picker';

/** LC-Rec alignment task `index-item`: item index → item text (title/description). Training samples only. */
export class IndexItemTask implements InstructionTask {
  readonly name = 'index-item';
  readonly templates = indexItemTemplates.map((t) => t.id);
  private readonly config: AlignmentConfig;
  private readonly picker: TemplatePicker;

  constructor(config: Partial<AlignmentConfig> = {}) {
    this.config = alignmentConfig.parse(config);
    this.picker = new TemplatePicker(this.name, indexItemTemplates, this.config.templates);
  }

  requires(corpus: Corpus): TaskRequirement {
    return alignmentRequires(corpus, this.config);
  }

  samples(ctx: TaskContext): InstructionSample[] {
    return alignmentSamples(this.name, this.picker, this.config, ctx);
  }
}
