import { RecError } from '@ed2/core';

/** The flags of `rec run` that configure a generative recommender (ED², LC-Rec), by flag name. */
export interface GenerativeFlags {
  readonly indexer?: string;
  readonly tasks?: string;
  readonly backbone?: string;
  readonly tokenizer?: string;
  readonly finetune?: string;
  readonly 'lora-rank'?: number;
  readonly 'index-length'?: number;
  readonly 'codebook-size'?: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly beam?: number;
  readonly 'valid-users'?: number;
  readonly 'reindex-every'?: number;
  readonly 'item-features'?: string;
  readonly 'no-user'?: boolean;
  readonly static?: boolean;
  readonly 'no-mgtr'?: boolean;
  readonly 'no-exploit'?: boolean;
  readonly workers?: number;
  readonly strategy?: string;
}

type Obj = Record<string, unknown>;

const COMPONENTS = new Set(['backbone', 'itemIndexer', 'userIndexer']);

/** Sets `a.b.c = v` (`backbone.x` / `itemIndexer.x` / `userIndexer.x` land in the component's `options`; `indexer.x` in both branches). */
export function setDotted(config: Obj, key: string, value: unknown): void {
  const parts = key.split('.');
  if (parts[0] === 'indexer') {
    for (const b of ['itemIndexer', 'userIndexer']) setDotted(config, [b, ...parts.slice(1)].join('.'), value);
    return;
  }
  let at: Obj = config;
  const path = COMPONENTS.has(parts[0]) && parts.length > 1 && parts[1] !== 'name' && parts[1] !== 'options' ? [parts[0], 'options', ...parts.slice(1)] : parts;
  path.slice(0, -1).forEach((p) => {
    const next = at[p];
    if (next !== undefined && (typeof next !== 'object' || next === null || Array.isArray(next))) throw new RecError('E_CONFIG', `--set ${key}: "${p}" is not an object option`, { hint: 'Use dotted keys only below component options, e.g. --set backbone.lora.rank=16' });
    at = (at[p] ??= {}) as Obj;
  });
  at[path[path.length - 1]] = value;
}

/** `--backbone llama:tiny` (or `torch:tiny`) → {name, options: {model: 'tiny'}}; `--backbone path/to/weights` → llama with weights. */
function backboneSpec(spec: string): { name: string; options: Obj } {
  const colon = spec.indexOf(':');
  if (colon > 0 && !spec.slice(0, colon).includes('/')) {
    const [name, rest] = [spec.slice(0, colon), spec.slice(colon + 1)];
    if ((name === 'llama' || name === 'torch') && /^[a-z0-9-]+$/.test(rest) && !rest.includes('.')) return { name, options: { model: rest } };
    return { name, options: { weights: rest } };
  }
  return { name: 'llama', options: { weights: spec } };
}

/** Applies the generative flags that were given to a model config (in place); returns it. */
export function applyGenerativeFlags(config: Obj, f: GenerativeFlags): Obj {
  if (f.backbone !== undefined) {
    const b = backboneSpec(f.backbone);
    config.backbone = { name: b.name, options: { ...(((config.backbone as Obj | undefined)?.options as Obj | undefined) ?? {}), ...b.options } };
  }
  if (f.tokenizer !== undefined) setDotted(config, 'backbone.tokenizer', f.tokenizer);
  if (f.finetune !== undefined) setDotted(config, 'backbone.finetune', f.finetune);
  if (f['lora-rank'] !== undefined) setDotted(config, 'backbone.lora.rank', f['lora-rank']);
  if (f.indexer !== undefined) {
    for (const b of ['itemIndexer', 'userIndexer']) config[b] = { name: f.indexer, options: ((config[b] as Obj | undefined)?.options as Obj | undefined) ?? {} };
  }
  if (f['index-length'] !== undefined) setDotted(config, 'indexer.levels', f['index-length']);
  if (f['codebook-size'] !== undefined) setDotted(config, 'indexer.codebookSize', f['codebook-size']);
  if (f.tasks !== undefined) config.tasks = f.tasks;
  if (f.beta1 !== undefined) config.beta1 = f.beta1;
  if (f.beta2 !== undefined) config.beta2 = f.beta2;
  if (f.beam !== undefined) config.beams = f.beam;
  if (f['valid-users'] !== undefined) config.validUsers = f['valid-users'];
  if (f['reindex-every'] !== undefined) config.reindexEvery = f['reindex-every'];
  if (f['item-features'] !== undefined) config.itemFeatures = f['item-features'];
  if (f['no-user']) config.users = false;
  if (f.static) config.dynamic = false;
  if (f['no-mgtr']) config.mgtr = false;
  // w/o exploit: no high-order user–item tasks, only next-item prediction and item↔index alignment
  if (f['no-exploit']) config.tasks = 'sequential,item-index,index-item';
  // torch backbone only (checked once every layer is applied: checkTorchLaunchFlags)
  if (f.workers !== undefined) setDotted(config, 'backbone.workers', f.workers);
  if (f.strategy !== undefined) setDotted(config, 'backbone.strategy', f.strategy);
  return config;
}

/** --workers / --strategy configure torchrun: an error naming the fix when the backbone is not `torch`. */
export function checkTorchLaunchFlags(config: Obj, given: GenerativeFlags): void {
  const name = ((config.backbone as Obj | undefined)?.name as string | undefined) ?? 'llama';
  const k = (['workers', 'strategy'] as const).find((x) => given[x] !== undefined);
  if (k && name !== 'torch') {
    throw new RecError('E_CONFIG', `--${k} launches the backbone on PyTorch workers (torchrun), but the backbone is ${name} (tfjs)`, { hint: 'Add --backbone torch:<preset | weights>, e.g. --backbone torch:tiny --workers 2 --strategy fsdp.' });
  }
}

/** `--index-file <path>`: the item branch becomes the static indexer over that precomputed index (`*.index.json`). */
export function applyIndexFile(config: Obj, path: string): Obj {
  const prev = config.itemIndexer as Obj | undefined;
  const options = prev?.name === 'static' ? ((prev.options as Obj | undefined) ?? {}) : {};
  config.itemIndexer = { name: 'static', options: { ...options, source: 'file', path } };
  return config;
}

/** Whether any generative flag was given (they are an error for id-based models). */
export function anyGenerativeFlag(f: GenerativeFlags): string | undefined {
  return Object.entries(f).find(([, v]) => v !== undefined && v !== false)?.[0];
}
