import type { DependencyContainer } from 'tsyringe';
import { definePlugin, PLUGIN_API_VERSION, Tokens, type Corpus, type PluginManifest } from '@ed2/core';
import { LlamaBackboneConfig } from './llama/llama-backbone-config';
import { TorchBackboneConfig } from './torch/torch-backbone-config';

/** Entity texts of the run's corpus (what a word vocabulary needs when no prompt texts were registered). */
function corpusTexts(corpus: Corpus): () => Iterable<string> {
  return function* () {
    for (const i of corpus.items) yield [i.title, i.description, i.brand, ...(i.categories ?? [])].filter(Boolean).join(' ');
    for (const u of corpus.users) if (u.profile) yield u.profile;
    for (const r of corpus.reviews ?? []) yield `${r.summary ?? ''} ${r.text} ${r.query ?? ''}`;
  };
}

function seedOf(scope: DependencyContainer, name = 'llama'): number {
  return scope.isRegistered(Tokens.Rng, true) ? scope.resolve(Tokens.Rng).fork(`backbone/${name}`).int(2 ** 31) : 0;
}

function textsOf(scope: DependencyContainer): (() => Iterable<string>) | undefined {
  return scope.isRegistered(Tokens.BackboneTexts, true) ? scope.resolve(Tokens.BackboneTexts) : scope.isRegistered(Tokens.Corpus, true) ? corpusTexts(scope.resolve(Tokens.Corpus)) : undefined;
}

const manifest: PluginManifest = {
  meta: { name: '@ed2/backbones', version: '0.1.0', apiVersion: PLUGIN_API_VERSION },
  backbones: {
    llama: definePlugin({
      summary: 'LLaMA-2 architecture (RoPE, GQA, SwiGLU), LoRA or full fine-tuning, index tokens from a row provider, batched constrained beam search; weights from llama2.c .bin, GGUF or safetensors',
      config: LlamaBackboneConfig,
      async create(scope: DependencyContainer, config) {
        const { createLlamaBackbone } = await import('./llama/create-llama-backbone.js');
        const texts = scope.isRegistered(Tokens.BackboneTexts, true)
          ? scope.resolve(Tokens.BackboneTexts)
          : scope.isRegistered(Tokens.Corpus, true)
            ? corpusTexts(scope.resolve(Tokens.Corpus))
            : undefined;
        return createLlamaBackbone(config, { seed: seedOf(scope), ...(texts ? { texts } : {}) });
      },
    }),
    torch: definePlugin({
      summary: 'The LLaMA backbone run by PyTorch + PEFT worker processes (Hugging Face weights, LoRA in PEFT format); --set backbone.workers=N runs N under torchrun (data parallel)',
      config: TorchBackboneConfig,
      async create(scope: DependencyContainer, config) {
        const { createTorchBackbone } = await import('./torch/create-torch-backbone.js');
        const texts = textsOf(scope);
        return createTorchBackbone(config, { seed: seedOf(scope, 'torch'), ...(texts ? { texts } : {}) });
      },
    }),
  },
};
export default manifest;
