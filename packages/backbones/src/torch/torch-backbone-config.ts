import { z } from 'zod';
import { LlamaConfig } from '../llama/llama-config';
import { LoraConfig } from '../lora/lora';

/** Plugin config of the `backbones:torch` component: the LLaMA backbone run by PyTorch + PEFT workers. */
export const TorchBackboneConfig = z
  .object({
    model: z
      .union([z.enum(['tiny', 'mini', 'stories260k', 'llama2-7b']), LlamaConfig])
      .default('tiny')
      .describe('A preset name or a full size object for a random init (seeded). Ignored when weights are given.'),
    weights: z
      .string()
      .optional()
      .describe('Hugging Face folder (config.json + *.safetensors) or a .safetensors file next to its config.json; llama2.c .bin / .gguf are converted to one first.'),
    format: z.enum(['bin', 'gguf', 'safetensors', 'auto']).default('auto').describe('Checkpoint format (auto = by extension / magic bytes).'),
    tokenizer: z.string().optional().describe('Tokenizer path; omitted: tokenizer.json next to HF weights, a GGUF file\'s own vocabulary, or a word vocabulary from the run\'s texts (random init).'),
    finetune: z.enum(['auto', 'lora', 'full']).default('auto').describe('lora: PEFT LoRA over frozen weights; full: every weight trains; auto: full for a random init, lora with weights.'),
    lora: LoraConfig.default(LoraConfig.parse({})).describe('LoRA adapters (finetune lora), as PEFT LoraConfig(r, lora_alpha, lora_dropout, target_modules).'),
    maxSeqLen: z.number().int().positive().optional().describe('Override the context length of a preset.'),
    encodeBatch: z.number().int().positive().default(32).describe('Texts per batch when encoding entity texts.'),
    searchBatch: z.number().int().positive().default(16).describe('Prompts per batch of the constrained beam search.'),
    seed: z.number().int().optional().describe('Seed for torch (random init, LoRA init, dropout); default: derived from the run seed.'),
    python: z.string().optional().describe('Python interpreter (default: $REC_PYTHON, a .venv/bin/python above the working directory, python3).'),
    workers: z.number().int().positive().default(1).describe('Processes on this machine: 1 = one plain worker; N > 1 = torchrun --nproc_per_node N (data parallel; gloo on CPU, nccl on GPU).'),
    strategy: z
      .enum(['ddp', 'fsdp'])
      .default('ddp')
      .describe("With workers > 1: ddp = every rank holds the whole model, the batch is split and gradients summed; fsdp = FSDP2 fully_shard of each decoder layer (parameters, gradients sharded; all-gathered per layer), for a model that does not fit one device. Embedding and LM head stay whole on each rank. Same gradients either way."),
    torchrun: z.array(z.string()).default([]).describe('Extra torchrun flags, e.g. multi-machine rendezvous: ["--nnodes=2", "--node_rank=0", "--rdzv_backend=c10d", "--rdzv_endpoint=host:29500"].'),
    threads: z.number().int().positive().optional().describe('torch.set_num_threads in each worker (default: torch\'s own).'),
    exclusive: z.boolean().default(false).describe('Own worker process (default: backbones made in one process share one worker per interpreter; torchrun launches are always their own).'),
    startTimeout: z.number().positive().default(300).describe('Seconds to wait for the worker to import torch and answer.'),
  })
  .strict()
  .refine((c) => c.strategy !== 'fsdp' || c.workers > 1 || c.torchrun.length > 0, {
    message: "strategy 'fsdp' shards the model across processes: set workers to 2 or more (--workers N), or torchrun flags for several machines",
    path: ['strategy'],
  })
  .describe('LLaMA backbone run by PyTorch + PEFT worker processes');
export type TorchBackboneConfig = z.infer<typeof TorchBackboneConfig>;
