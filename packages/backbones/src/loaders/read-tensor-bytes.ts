import { open, type FileHandle } from 'node:fs/promises';
import { RecError } from '@ed2/core';

/** Opens a checkpoint file for positional reads, with a clear error when it is absent. */
export async function openCheckpoint(file: string): Promise<FileHandle> {
  try {
    return await open(file, 'r');
  } catch (e) {
    throw new RecError('E_DATA_MISSING', `cannot open LLaMA checkpoint '${file}': ${(e as Error).message}`, {
      cause: e,
      hint: 'check the path (llama2.c .bin, .gguf, or a folder with config.json + model.safetensors)',
    });
  }
}

/**
 * Reads exactly `length` bytes at `position` into a fresh (aligned) buffer: one positional read per tensor,
 * so a big checkpoint is never loaded whole. Truncation is a RecError('E_CHECKPOINT') naming the tensor.
 */
export async function readTensorBytes(fh: FileHandle, file: string, what: string, position: number, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(out, got, Math.min(length - got, 1 << 30), position + got);
    if (bytesRead === 0) {
      throw new RecError('E_CHECKPOINT', `'${file}' is truncated: tensor '${what}' needs bytes ${position}..${position + length} but the file ends at ${position + got}`, {
        hint: 'the download or conversion is incomplete; fetch the file again',
      });
    }
    got += bytesRead;
  }
  return out;
}

/** Little-endian float32 view of freshly read bytes (no copy). */
export function asFloat32(bytes: Uint8Array): Float32Array {
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}
