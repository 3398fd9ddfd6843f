import { RecError, indexText, type Corpus, type InstructionSample, type InstructionTask, type Review, type TaskContext, type TaskRequirement } from '@ed2/core';
import { z } from 'zod';
import { commentTemplates, queryTemplates } from './comment-query-templates';
import { deriveQuery } from './derive-query';
import { truncateWords } from './item-text';
import { taskOptions } from './task-options';
import { TemplatePicker } from './template-picker';

export const commentQueryConfig = z
  .object({
    templates: taskOptions.templates,
    kinds: z.array(z.enum(['comment', 'query'])).min(1).default(['comment', 'query']).describe('Sub-kinds to generate: comment ((user, item) → review) and query ((user, query) → item).'),
    maxCommentWords: z.number().int().min(1).default(100).describe('Reviews longer than this are cut (words).'),
    queriesPerUser: z.number().int().min(1).default(1).describe('Query samples per user, drawn (seeded) from the training items.'),
    queryTitleWords: z.number().int().min(0).default(3).describe('Title keywords in a derived query.'),
    queryBrand: z.boolean().default(true).describe('Add the brand to a derived query.'),
  })
  .strict()
  .describe('comment-query: (user, item) → review text; (user, search query) → item index');
export type CommentQueryConfig = z.infer<typeof commentQueryConfig>;

const hasItemTraits = (corpus: Corpus) => corpus.items.some((i) => !!i.title?.trim() || !!i.categories?.length || !!i.brand?.trim());

/**
 * Comment and query samples from TRAINING interactions only: a review of an item the user has only
 * in valid/test is never used. A query is the review's own `query` when there is one
 * (`meta.querySource: 'review'`), else derived from the item's category/title/brand (`'item'`).
 */
export class CommentQueryTask implements InstructionTask {
  readonly name = 'comment-query';
  readonly templates = [...commentTemplates, ...queryTemplates].map((t) => t.id);
  private readonly config: CommentQueryConfig;
  private readonly comment: TemplatePicker;
  private readonly query: TemplatePicker;

  constructor(config: Partial<CommentQueryConfig> = {}) {
    this.config = commentQueryConfig.parse(config);
    const ids = this.config.templates;
    if (ids) new TemplatePicker(this.name, [...commentTemplates, ...queryTemplates], ids); // throws on unknown ids
    const subset = (kind: 'comment' | 'query', all: typeof commentTemplates) => {
      if (!ids) return undefined;
      const mine = ids.filter((id) => all.some((t) => t.id === id));
      if (!mine.length && this.config.kinds.includes(kind)) {
        throw new RecError('E_CONFIG', `Task "comment-query": templates ${JSON.stringify(ids)} name no ${kind} template (${all.map((t) => t.id).join(', ')})`, {
          hint: `Add a ${kind} template id, or leave ${kind} out of kinds.`,
        });
      }
      return mine.length ? mine : undefined;
    };
    this.comment = new TemplatePicker(this.name, commentTemplates, subset('comment', commentTemplates));
    this.query = new TemplatePicker(this.name, queryTemplates, subset('query', queryTemplates));
  }

  private available(corpus: Corpus): { comment: boolean; query: boolean } {
    const reviews = corpus.reviews ?? [];
    const kinds = this.config.kinds;
    return {
      comment: kinds.includes('comment') && reviews.some((r) => r.text.trim() !== ''),
      query: kinds.includes('query') && (reviews.some((r) => !!r.query?.trim()) || hasItemTraits(corpus)),
    };
  }

  requires(corpus: Corpus): TaskRequirement {
    const a = this.available(corpus);
    const missing: string[] = [];
    if (this.config.kinds.includes('comment') && !a.comment) missing.push('comment needs review text (corpus has no reviews)');
    if (this.config.kinds.includes('query') && !a.query) missing.push('query needs review queries or item titles/categories/brands (corpus has none)');
    if (!a.comment && !a.query) return { ok: false, reason: `corpus "${corpus.name}": ${missing.join('; ')}` };
    return missing.length ? { ok: true, note: `only ${a.comment ? 'comment' : 'query'} samples: ${missing.join('; ')}` } : { ok: true };
  }

  samples(ctx: TaskContext): InstructionSample[] {
    if (ctx.part !== 'train') return [];
    const { corpus, split, index } = ctx;
    const a = this.available(corpus);
    const byPair = new Map<string, Review>();
    for (const r of corpus.reviews ?? []) if (!byPair.has(`${r.user}:${r.item}`)) byPair.set(`${r.user}:${r.item}`, r);
    const templates = ctx.rng.fork('templates');
    const choose = ctx.rng.fork('query-items');
    const words = ctx.rng.fork('query-words');
    const withUser = index.user !== undefined;
    const out: InstructionSample[] = [];
    split.train.forEach((seq, user) => {
      const items = [...new Set(seq)];
      const userText = index.user ? indexText(index.user, user) : undefined;
      if (a.comment) {
        for (const item of items) {
          const r = byPair.get(`${user}:${item}`);
          if (!r || r.text.trim() === '') continue;
          const f = this.comment.fill(templates, { user: userText, item: indexText(index.item, item), comment: truncateWords(r.text, this.config.maxCommentWords) }, withUser);
          out.push({ task: this.name, template: f.template, prompt: f.prompt, response: f.response, split: 'train', user, item, meta: { kind: 'comment' } });
        }
      }
      if (a.query && items.length) {
        const chosen = new Set(items.length > this.config.queriesPerUser ? choose.sample(items, this.config.queriesPerUser) : items);
        for (const item of items.filter((i) => chosen.has(i))) {
          const own = byPair.get(`${user}:${item}`)?.query?.trim();
          const derived = own ? undefined : deriveQuery(corpus.items[item], this.config.queryTitleWords, words, this.config.queryBrand);
          const query = own ?? derived?.query;
          if (!query) continue;
          const f = this.query.fill(templates, { user: userText, query, target: indexText(index.item, item) }, withUser);
          const meta: Record<string, string> = own ? { kind: 'query', querySource: 'review' } : { kind: 'query', querySource: 'item', queryFields: derived!.fields };
          out.push({ task: this.name, template: f.template, prompt: f.prompt, response: f.response, split: 'train', user, item, meta });
        }
      }
    });
    return out;
  }
}
