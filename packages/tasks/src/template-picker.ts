import { RecError, type Rng } from '@ed2/core';
import { fillTemplate, type InstructionTemplate } from './instruction-template';

/** A filled prompt/response pair and the template that made it. */
export interface FilledTemplate {
  readonly template: string;
  readonly prompt: string;
  readonly response: string;
}

/**
 * Chooses templates for one task: uniformly (seeded) among `all`, or among the ids the user
 * configured. Unknown ids are a config error naming the known ones.
 */
export class TemplatePicker {
  readonly templates: readonly InstructionTemplate[];

  constructor(task: string, all: readonly InstructionTemplate[], ids?: readonly string[]) {
    if (!ids) {
      this.templates = all;
      return;
    }
    const known = new Map(all.map((t) => [t.id, t]));
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length) {
      throw new RecError('E_CONFIG', `Task "${task}": unknown template(s) ${unknown.map((u) => `"${u}"`).join(', ')}. Known: ${all.map((t) => t.id).join(', ')}`, {
        hint: `Set templates to a subset of the known ids, or leave it out to use all of them.`,
      });
    }
    this.templates = [...new Set(ids)].map((id) => known.get(id)!);
  }

  /** Pick a template with `rng` and fill it; `withUser` false selects the item-only wording. */
  fill(rng: Rng, vars: Readonly<Record<string, string | undefined>>, withUser: boolean): FilledTemplate {
    return this.apply(this.templates[rng.int(this.templates.length)], vars, withUser);
  }

  /** Fill the template `id` (one of `templates`). */
  fillWith(id: string, vars: Readonly<Record<string, string | undefined>>, withUser: boolean): FilledTemplate {
    const t = this.templates.find((x) => x.id === id);
    if (!t) throw new RecError('E_INTERNAL', `Template "${id}" is not among ${this.templates.map((x) => x.id).join(', ')}`);
    return this.apply(t, vars, withUser);
  }

  private apply(t: InstructionTemplate, vars: Readonly<Record<string, string | undefined>>, withUser: boolean): FilledTemplate {
    const prompt = withUser || t.promptNoUser === undefined ? t.prompt : t.promptNoUser;
    return { template: t.id, prompt: fillTemplate(prompt, vars, t.id), response: fillTemplate(t.response ?? '{target}', vars, t.id) };
  }
}
