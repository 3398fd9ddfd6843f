import { z } from 'zod';

/** Config options shared by the task schemas (each task builds its own `.strict()` schema). */
export const taskOptions = {
  templates: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe('Template ids to draw from (seeded, uniform); default: every template of the task.'),
  maxHistory: z.number().int().min(1).default(20).describe('Longest item history written into a prompt (most recent items kept, most recent last).'),
  separator: z.string().default(', ').describe('Text between consecutive indices in a list.'),
};

/** Item text fields usable by the alignment and profile tasks. */
export const itemTextField = z.enum(['title', 'description', 'brand', 'categories']);
export type ItemTextField = z.infer<typeof itemTextField>;
