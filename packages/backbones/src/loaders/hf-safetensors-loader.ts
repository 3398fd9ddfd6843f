import { statSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { decodeBFloat16, decodeFloat16, parseJsonText, readSafetensorsHeader, readTextFileSync, RecError } from '@ed2/core';
import type { LlamaConfig, LlamaTensor, LlamaWeights } from '../llama/llama-config';
import { checkLlamaWeights, checkTensorShape, expectedLlamaShapes } from './check-llama-weights';
import { llamaConfigFromHf } from './hf-config';
import { openCheckpoint, readTensorBytes } from './read-tensor-bytes';

/** Where a Hugging Face checkpoint's config and shards are. */
export interface HfCheckpointFiles {
  dir: string;
  configFile: string;
  /** shard file → the tensor names the index assigns to it (undefined = all tensors of the file). */
  shards: Map<string, string[] | undefined>;
}

const IGNORED = /(^|\.)rotary_emb\.inv_freq$/;

/** A checkpoint JSON file (UTF-8, BOM and CRLF tolerated); bad JSON is E_DATA_FORMAT naming the file, line and column. */
function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readTextFileSync(file);
  } catch (e) {
    throw new RecError('E_DATA_MISSING', `cannot read ${what} '${file}': ${(e as Error).message}`, {
      cause: e, hint: 'a Hugging Face checkpoint folder holds config.json and model.safetensors (or model.safetensors.index.json + shards)',
    });
  }
  return parseJsonText(text, file);
}

/** Resolves a folder, a `.safetensors` file or a `model.safetensors.index.json` to config + shard files. */
export function resolveHfCheckpoint(p: string): HfCheckpointFiles {
  const isDir = existsSync(p) && statSync(p).isDirectory();
  const dir = isDir ? p : path.dirname(p);
  const configFile = path.join(dir, 'config.json');
  const shards = new Map<string, string[] | undefined>();
  const index = !isDir && p.endsWith('.json') ? p : path.join(dir, 'model.safetensors.index.json');
  if (!isDir && p.endsWith('.safetensors')) shards.set(p, undefined);
  else if (existsSync(index)) {
    const map = (readJson(index, 'safetensors index') as { weight_map?: Record<string, string> }).weight_map;
    if (!map || typeof map !== 'object' || Array.isArray(map)) throw new RecError('E_DATA_FORMAT', `'${index}' (key "weight_map"): missing or not an object {"<tensor name>": "<shard file>"}`, { hint: 'corrupt index file: re-save the model with transformers (save_pretrained)' });
    for (const [name, file] of Object.entries(map)) {
      const f = path.join(dir, file);
      shards.set(f, [...(shards.get(f) ?? []), name]);
    }
  } else shards.set(path.join(dir, 'model.safetensors'), undefined);
  return { dir, configFile, shards };
}

function decode(dtype: string, raw: Uint8Array, n: number, file: string, name: string): Float32Array {
  const bytes = raw.byteOffset % 4 === 0 ? raw : raw.slice();
  if (dtype === 'F32') return new Float32Array(bytes.buffer, bytes.byteOffset, n);
  if (dtype === 'F16') return decodeFloat16(new Uint16Array(bytes.buffer, bytes.byteOffset, n));
  if (dtype === 'BF16') return decodeBFloat16(new Uint16Array(bytes.buffer, bytes.byteOffset, n));
  throw new RecError('E_UNSUPPORTED', `'${file}': tensor '${name}' has dtype ${dtype}; LLaMA weights must be F32, F16 or BF16`, { hint: 're-save the model in float16/bfloat16/float32' });
}

/**
 * Loads a Hugging Face LLaMA checkpoint (config.json + model.safetensors, or sharded with
 * model.safetensors.index.json): F32/F16/BF16 → float32, names and [out, in] layout as in transformers, half-split
 * RoPE. Headers are validated first (names and shapes against the config: RecError('E_SHAPE') naming the tensor,
 * expected and found shape), then each tensor is read by offset.
 */
export async function loadHfSafetensors(p: string): Promise<LlamaWeights> {
  const files = resolveHfCheckpoint(p);
  const config: LlamaConfig = llamaConfigFromHf(readJson(files.configFile, 'config'), `'${files.configFile}'`);
  const want = expectedLlamaShapes(config);
  const tensors = new Map<string, LlamaTensor>();
  for (const [file, names] of files.shards) {
    const fh = await openCheckpoint(file);
    try {
      const header = await readSafetensorsHeader(file, fh);
      for (const name of names ?? []) {
        if (!header.entries.has(name)) checkTensorShape(file, name, want.get(name), undefined);
      }
      for (const [name, e] of header.entries) {
        if (IGNORED.test(name) || (name === 'lm_head.weight' && config.tiedEmbeddings)) continue;
        checkTensorShape(file, name, want.get(name), e.shape);
        const n = e.shape.reduce((a, b) => a * b, 1);
        const bytes = await readTensorBytes(fh, file, name, header.dataStart + e.begin, e.end - e.begin);
        tensors.set(name, { shape: [...e.shape], data: decode(e.dtype, bytes, n, file, name) });
      }
    } finally {
      await fh.close();
    }
  }
  return checkLlamaWeights({ config, tensors }, files.dir);
}
