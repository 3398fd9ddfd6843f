import { RecError, Rng } from '@ed2/core';
import { LLAMA_PRESETS, LlamaConfig, type LlamaWeights } from './llama-config';
import { LlamaModel } from './llama-model';
import { applyLora } from '../lora/lora';
import type { LlamaBackboneConfig } from './llama-backbone-config';

/** Optional weight loader (the checkpoint readers register it; kept injectable to avoid a hard import cycle). */
export type LlamaWeightLoader = (path: string, format: 'bin' | 'gguf' | 'safetensors' | 'auto') => Promise<LlamaWeights>;
let weightLoader: LlamaWeightLoader | undefined;
export function setLlamaWeightLoader(loader: LlamaWeightLoader): void {
  weightLoader = loader;
}

/** Build the model described by a validated plugin config, with LoRA attached. */
export async function createLlamaBackbone(config: LlamaBackboneConfig): Promise<LlamaModel> {
  const rng = new Rng(config.seed);
  let weights: LlamaWeights | undefined;
  if (config.weights) {
    if (!weightLoader) {
      throw new RecError('E_UNSUPPORTED', `cannot read '${config.weights}': no LLaMA checkpoint loader is registered`, {
        hint: 'call setLlamaWeightLoader(...) with a loader from @ed2/backbones',
      });
    }
    weights = await weightLoader(config.weights, config.format);
  }
  const arch = weights?.config ?? (typeof config.model === 'string' ? LLAMA_PRESETS[config.model] : LlamaConfig.parse(config.model));
  const model = new LlamaModel(arch, weights, rng.fork('init'));
  applyLora(model, config.lora, rng.fork('lora'));
  return model;
}
