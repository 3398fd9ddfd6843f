import { existsSync, statSync } from 'node:fs';
import { RecError } from '@ed2/core';
import type { LlamaWeights } from '../llama/llama-config';
import { loadLlama2c } from './llama2c-loader';
import { loadGguf } from './gguf-loader';
import { loadHfSafetensors } from './hf-safetensors-loader';
import { openCheckpoint, readTensorBytes } from './read-tensor-bytes';

export type LlamaCheckpointFormat = 'bin' | 'gguf' | 'safetensors';

/**
 * Tells a checkpoint's format from the path: a folder, `.safetensors` or `.json` → Hugging Face safetensors;
 * otherwise the first bytes: "GGUF" → GGUF, a zip/pickle (PyTorch `.bin`/`.pt`) → a clear error, else llama2.c.
 */
export async function detectLlamaFormat(p: string): Promise<LlamaCheckpointFormat> {
  if (existsSync(p) && statSync(p).isDirectory()) return 'safetensors';
  if (/\.(safetensors|json)$/i.test(p)) return 'safetensors';
  const fh = await openCheckpoint(p);
  let magic: Buffer;
  try {
    const { size } = await fh.stat();
    magic = Buffer.from(await readTensorBytes(fh, p, 'magic', 0, Math.min(4, size)));
  } finally {
    await fh.close();
  }
  if (magic.toString('latin1') === 'GGUF') return 'gguf';
  if (magic.toString('latin1', 0, 2) === 'PK' || magic[0] === 0x80) {
    throw new RecError('E_UNSUPPORTED', `'${p}' is a PyTorch pickle checkpoint, which cannot be read safely`, {
      hint: 'convert it to safetensors (transformers: model.save_pretrained(dir, safe_serialization=True)) or to GGUF',
    });
  }
  return 'bin';
}

/** Loads LLaMA weights from a llama2.c `.bin`, a `.gguf`, or a Hugging Face safetensors checkpoint (format 'auto' = detect). */
export async function loadLlamaWeights(p: string, format: LlamaCheckpointFormat | 'auto' = 'auto'): Promise<LlamaWeights> {
  const f = format === 'auto' ? await detectLlamaFormat(p) : format;
  if (f === 'gguf') return loadGguf(p);
  if (f === 'safetensors') return loadHfSafetensors(p);
  return loadLlama2c(p);
}
