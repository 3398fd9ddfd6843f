import { z } from 'zod';
import { BACKEND_NAMES } from '@ed2/core';

/** The name `rec` looks for in the working directory (or pass `--config-file <path>`). */
export const PROJECT_CONFIG_FILE = 'rec.config.json';

const options = (what: string) =>
  z.record(z.string(), z.unknown()).describe(`${what} by dotted key, the keys of \`${what === 'Model options' ? '--set' : '--dataset-set'}\` (e.g. {"backbone.lora.rank": 16}).`);

/**
 * What a section may set: the `rec run` flags by their flag name (same values), `set` (model options by dotted key,
 * as `--set`) and `dataset-set` (dataset options, as `--dataset-set`).
 */
const flagKeys = {
  seed: z.number().int().describe('Seed (--seed).'),
  backend: z.enum(BACKEND_NAMES).describe('Tensor backend (--backend).'),
  ks: z.union([z.array(z.number().int().min(1)).min(1), z.string().regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, 'a comma list of positive integers, e.g. "1,5,10"')]).describe('Cut-offs of HR@K / NDCG@K (--ks).'),
  'exclude-seen': z.boolean().describe('Mask the history items when ranking (--exclude-seen).'),
  'eval-batch': z.number().int().min(1).describe('Users per evaluation batch (--eval-batch).'),
  epochs: z.number().int().min(1).describe('Maximum training epochs (--epochs).'),
  loss: z.enum(['ce', 'bce']).describe('Training loss where the model has one (--loss).'),
  indexer: z.string().describe('Indexer of both branches (--indexer); generative models only.'),
  tasks: z.string().describe("Instruction tasks, 'all' or a comma list (--tasks); generative models only."),
  backbone: z.string().describe('llama:<preset> or a weights path, relative to this file (--backbone); generative models only.'),
  tokenizer: z.string().describe('Tokenizer of the backbone weights, relative to this file (--tokenizer); generative models only.'),
  finetune: z.enum(['auto', 'lora', 'full']).describe('--finetune; generative models only.'),
  'lora-rank': z.number().int().min(1).describe('--lora-rank; generative models only.'),
  'index-length': z.number().int().min(1).describe('--index-length; generative models only.'),
  'codebook-size': z.number().int().min(1).describe('--codebook-size; generative models only.'),
  beta1: z.number().min(0).describe('--beta1; generative models only.'),
  beta2: z.number().min(0).describe('--beta2; generative models only.'),
  beam: z.number().int().min(1).describe('--beam; generative models only.'),
  'valid-users': z.number().int().min(1).describe('--valid-users; generative models only.'),
  'reindex-every': z.number().int().min(1).describe('--reindex-every; generative models only.'),
  'item-features': z.string().describe('run:<dir> or a .safetensors/.npy file, relative to this file (--item-features); generative models only.'),
  'no-user': z.boolean().describe('--no-user; generative models only.'),
  static: z.boolean().describe('--static; generative models only.'),
  'no-mgtr': z.boolean().describe('--no-mgtr; generative models only.'),
  'no-exploit': z.boolean().describe('--no-exploit; generative models only.'),
  workers: z.number().int().min(1).describe('--workers (torch backbone: torchrun processes per machine); generative models only.'),
  strategy: z.enum(['ddp', 'fsdp']).describe('--strategy (torch backbone with workers > 1); generative models only.'),
  set: options('Model options'),
  'dataset-set': options('Dataset options'),
};

/** A per-model section (`models.<name>`): applied only when that model runs. */
export const modelSection = z.object(flagKeys).partial().strict();

const modelSections = z.record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a model name such as "ed2" or "sasrec"'), modelSection).describe('Per-model sections, applied only when that model runs.');

/** A dataset section (`datasets.<name or glob>`): applied when the dataset matches. */
export const datasetSection = z
  .object({ model: z.string().describe('Default model for this dataset (--model).'), ...flagKeys, models: modelSections })
  .partial()
  .strict();

/** The whole file; its top-level keys (other than `datasets`) are the general section. */
export const projectConfig = z
  .object({
    $schema: z.string().describe('Ignored (editor support).'),
    model: z.string().describe('Default model (--model).'),
    dataset: z.string().describe('Default dataset: a name or a path relative to this file (--dataset).'),
    ...flagKeys,
    models: modelSections,
    datasets: z.record(z.string().min(1), datasetSection).describe('Dataset sections keyed by exact name or glob ("amazon-*"); every match applies, the most specific last.'),
  })
  .partial()
  .strict()
  .describe(`Project configuration (${PROJECT_CONFIG_FILE}): built-in defaults < this file (general < matching dataset sections) < flags.`);

export type ProjectConfig = z.output<typeof projectConfig>;
/** Any section: the flag keys (+ model/models where the section allows them). */
export type ProjectSection = z.output<typeof datasetSection>;

/** The flag keys a section may hold (for "did you mean" messages). */
export const SECTION_KEYS: readonly string[] = Object.keys(flagKeys);

/** Keys that configure a generative recommender (ignored, with a note, when the model is an id-based one). */
export const GENERATIVE_KEYS = ['indexer', 'tasks', 'backbone', 'tokenizer', 'finetune', 'lora-rank', 'index-length', 'codebook-size', 'beta1', 'beta2', 'beam', 'valid-users', 'reindex-every', 'item-features', 'no-user', 'static', 'no-mgtr', 'no-exploit', 'workers', 'strategy'] as const;

/** JSON Schema of the file for editors (`"$schema": "./rec.config.schema.json"`, written by `rec config schema`). */
export function projectConfigJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(projectConfig, { io: 'input' }) as Record<string, unknown>;
}
