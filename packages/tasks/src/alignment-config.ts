import { z } from 'zod';
import { itemTextField, taskOptions } from './task-options';

/** Config of the LC-Rec alignment tasks `item-index` and `index-item`. */
export const alignmentConfig = z
  .object({
    templates: taskOptions.templates,
    fields: z.array(itemTextField).min(1).default(['title', 'description']).describe('Item text fields, in order, that make the item text.'),
    maxWords: z.number().int().min(1).default(64).describe('Longest item text (words).'),
    samplesPerItem: z.number().int().min(1).default(1).describe('Samples per item (each with a seeded template choice).'),
  })
  .strict()
  .describe('item text ↔ item index alignment');
export type AlignmentConfig = z.infer<typeof alignmentConfig>;
