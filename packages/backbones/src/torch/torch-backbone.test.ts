import { container } from 'tsyringe';
import { Tokens } from '@ed2/core';
import { backboneContract } from '@ed2/core/testing';
import manifest from '../plugin';
import type { TorchBackbone } from './torch-backbone';

const size = { dim: 16, nLayers: 2, nHeads: 2, nKvHeads: 1, hiddenDim: 24, vocabSize: 10, maxSeqLen: 64 };

async function make(finetune: 'full' | 'lora'): Promise<TorchBackbone> {
  const f = manifest.backbones!.torch;
  const scope = container.createChildContainer();
  scope.register(Tokens.BackboneTexts, { useValue: () => ['the red ball', 'a blue car'] });
  return (await f.create(scope, f.config.parse({ model: size, finetune, seed: 7, threads: 1 }))) as TorchBackbone;
}

backboneContract('torch (full fine-tuning)', () => make('full'));
backboneContract('torch (PEFT LoRA)', () => make('lora'));
