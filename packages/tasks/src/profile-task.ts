import { indexText, type Corpus, type InstructionSample, type InstructionTask, type Review, type TaskContext, type TaskRequirement } from '@ed2/core';
import { z } from 'zod';
import { preferenceSummary } from './preference-summary';
import { profileTemplates } from './profile-templates';
import { taskOptions } from './task-options';
import { TemplatePicker } from './template-picker';

export const profileConfig = z
  .object({
    templates: taskOptions.templates,
    maxHistory: taskOptions.maxHistory,
    separator: taskOptions.separator,
    sources: z
      .array(z.enum(['profile', 'reviews', 'history']))
      .min(1)
      .default(['profile', 'reviews', 'history'])
      .describe('Where the preference summary comes from, tried in order: user profile text, their training reviews, or the categories/titles of the training history.'),
    maxWords: z.number().int().min(1).default(80).describe('Longest summary (words).'),
    topK: z.number().int().min(1).default(3).describe('Reviews, categories and titles used in a summary.'),
  })
  .strict()
  .describe('profile: user index + history → summary of the user preferences');
export type ProfileConfig = z.infer<typeof profileConfig>;

/** One training sample per user with a training history and a summary; valid/test: none. */
export class ProfileTask implements InstructionTask {
  readonly name = 'profile';
  readonly templates = profileTemplates.map((t) => t.id);
  private readonly config: ProfileConfig;
  private readonly picker: TemplatePicker;

  constructor(config: Partial<ProfileConfig> = {}) {
    this.config = profileConfig.parse(config);
    this.picker = new TemplatePicker(this.name, profileTemplates, this.config.templates);
  }

  requires(corpus: Corpus): TaskRequirement {
    const has = {
      profile: corpus.users.some((u) => !!u.profile?.trim()),
      reviews: (corpus.reviews ?? []).some((r) => !!(r.summary ?? r.text)?.trim()),
      history: corpus.items.some((i) => !!i.title?.trim() || !!i.categories?.length),
    };
    if (this.config.sources.some((s) => has[s])) return { ok: true };
    return { ok: false, reason: `corpus "${corpus.name}" has no user text for the summary (sources tried: ${this.config.sources.join(', ')}; no profiles, reviews, or item titles/categories)` };
  }

  samples(ctx: TaskContext): InstructionSample[] {
    if (ctx.part !== 'train') return [];
    const { corpus, split, index } = ctx;
    const reviews = new Map<string, Review>();
    for (const r of corpus.reviews ?? []) if (!reviews.has(`${r.user}:${r.item}`)) reviews.set(`${r.user}:${r.item}`, r);
    const rng = ctx.rng.fork('templates');
    const out: InstructionSample[] = [];
    split.train.forEach((seq, user) => {
      if (!seq.length) return;
      const summary = preferenceSummary(corpus, user, seq, reviews, this.config);
      if (!summary) return;
      const history = seq.slice(-this.config.maxHistory);
      const vars = {
        user: index.user ? indexText(index.user, user) : undefined,
        history: history.map((i) => indexText(index.item, i)).join(this.config.separator),
        profile: summary.text,
      };
      const f = this.picker.fill(rng, vars, index.user !== undefined);
      out.push({ task: this.name, template: f.template, prompt: f.prompt, response: f.response, split: 'train', user, meta: { summarySource: summary.source, historyLength: history.length } });
    });
    return out;
  }
}
