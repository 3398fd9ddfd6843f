import { definePlugin, PLUGIN_API_VERSION, type PluginManifest } from '@ed2/core';
import { LlamaBackboneConfig } from './llama/llama-backbone-config';

const manifest: PluginManifest = {
  meta: { name: '@ed2/backbones', version: '0.1.0', apiVersion: PLUGIN_API_VERSION },
  backbones: {
    llama: definePlugin({
      summary: 'LLaMA-2 architecture (RoPE, GQA, SwiGLU) with LoRA, vocabulary extension, constrained beam search; weights from llama2.c .bin, GGUF or safetensors',
      config: LlamaBackboneConfig,
      async create(_scope, config) {
        const [{ createLlamaBackbone, setLlamaWeightLoader }, { loadLlamaWeights }] = await Promise.all([
          import('./llama/create-llama-backbone.js'),
          import('./loaders/load-llama-weights.js'),
        ]);
        setLlamaWeightLoader(loadLlamaWeights); // `{ weights: <path> }`: loader picked by file type (or `format`)
        return createLlamaBackbone(config);
      },
    }),
  },
};
export default manifest;
