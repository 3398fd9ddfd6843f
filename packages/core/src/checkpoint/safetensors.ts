import { open, type FileHandle } from 'node:fs/promises';
import { endianness } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { RecError } from '../errors/rec-error';
import { decodeBFloat16, decodeFloat16 } from './half-float';

/**
 * Reader/writer for the safetensors format (8-byte little-endian header length, JSON header
 * `{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: {…} }`, then raw little-endian
 * bytes). Hand-written (~150 lines) because no maintained npm package reads and writes it for Node
 * buffers without pulling in extra runtimes, and we need streaming writes plus partial reads of
 * large LLaMA shards.
 */

const ALIGN = 8;
const MAX_HEADER = 100 * 1024 * 1024;
const BYTES: Readonly<Record<string, number>> = { F32: 4, I32: 4, BOOL: 1, U8: 1, F16: 2, BF16: 2, F64: 8, I64: 8 };
const TO_SAFETENSORS: Readonly<Record<string, string>> = { float32: 'F32', int32: 'I32', bool: 'BOOL' };

export interface SafetensorsEntry {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
}

export interface SafetensorsHeader {
  readonly entries: ReadonlyMap<string, SafetensorsEntry>;
  readonly metadata: Readonly<Record<string, string>>;
  /** Byte offset of the data section in the file. */
  readonly dataStart: number;
}

function checkHost(): void {
  if (endianness() !== 'LE') throw new RecError('E_UNSUPPORTED', 'safetensors I/O needs a little-endian host');
}

const fail = (file: string, problem: string, cause?: unknown) =>
  new RecError('E_CHECKPOINT', `Checkpoint file ${file} is unreadable: ${problem}`, {
    hint: 'The file is truncated or corrupt; delete it (or the checkpoint folder) and train again, or resume from another checkpoint.',
    ...(cause === undefined ? {} : { cause }),
  });

/** Writes `tensors` (float32, int32 or bool) to `file`, streaming one tensor at a time. */
export async function writeSafetensors(file: string, tensors: Readonly<Record<string, tf.Tensor>>, metadata: Readonly<Record<string, string>> = {}): Promise<void> {
  checkHost();
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const t = tensors[name];
    const dtype = TO_SAFETENSORS[t.dtype];
    if (dtype === undefined) {
      throw new RecError('E_UNSUPPORTED', `Cannot save tensor "${name}" of dtype ${t.dtype}`, { hint: 'Checkpoints hold float32, int32 and bool tensors; cast it first.' });
    }
    const size = t.size * BYTES[dtype];
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = JSON.stringify(header);
  const pad = (ALIGN - ((8 + Buffer.byteLength(json)) % ALIGN)) % ALIGN;
  json += ' '.repeat(pad);
  const head = Buffer.alloc(8 + Buffer.byteLength(json));
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)), 0);
  head.write(json, 8, 'utf8');
  const fh = await open(file, 'w');
  try {
    await fh.write(head);
    for (const name of names) {
      const data = (await tensors[name].data()) as Float32Array | Int32Array | Uint8Array;
      await fh.write(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function readExactly(fh: FileHandle, file: string, length: number, position: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got);
    if (bytesRead === 0) throw fail(file, `unexpected end of file at byte ${position + got} (wanted ${length} bytes from ${position})`);
    got += bytesRead;
  }
  return buf;
}

/** Parses and validates the header (every entry's size and offsets against the file size). */
export async function readSafetensorsHeader(file: string, fh: FileHandle): Promise<SafetensorsHeader> {
  const { size } = await fh.stat();
  if (size < 8) throw fail(file, `only ${size} bytes, shorter than the 8-byte header length`);
  const len = Number((await readExactly(fh, file, 8, 0)).readBigUInt64LE(0));
  if (len > MAX_HEADER || 8 + len > size) throw fail(file, `header length ${len} exceeds the file size ${size}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse((await readExactly(fh, file, len, 8)).toString('utf8'));
  } catch (e) {
    throw fail(file, 'header is not valid JSON', e);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw fail(file, 'header is not a JSON object');
  const dataStart = 8 + len;
  const entries = new Map<string, SafetensorsEntry>();
  let metadata: Record<string, string> = {};
  let dataEnd = 0;
  for (const [name, raw] of Object.entries(parsed as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = (raw ?? {}) as Record<string, string>;
      continue;
    }
    const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const bytes = typeof e?.dtype === 'string' ? BYTES[e.dtype] : undefined;
    if (bytes === undefined) throw fail(file, `tensor "${name}" has unsupported dtype ${JSON.stringify(e?.dtype)}`);
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0)) throw fail(file, `tensor "${name}" has an invalid shape`);
    const offs = e.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => Number.isInteger(o) && o >= 0) || offs[1] < offs[0]) {
      throw fail(file, `tensor "${name}" has invalid data_offsets`);
    }
    const shape = e.shape as number[];
    const expected = shape.reduce((a, b) => a * b, 1) * bytes;
    if (offs[1] - offs[0] !== expected) throw fail(file, `tensor "${name}" spans ${offs[1] - offs[0]} bytes but ${e.dtype}[${shape.join(',')}] needs ${expected}`);
    if (dataStart + offs[1] > size) throw fail(file, `tensor "${name}" ends at byte ${dataStart + offs[1]} but the file has only ${size} (truncated)`);
    dataEnd = Math.max(dataEnd, offs[1]);
    entries.set(name, { dtype: e.dtype as string, shape, begin: offs[0], end: offs[1] });
  }
  if (dataStart + dataEnd !== size) throw fail(file, `data section should end at byte ${dataStart + dataEnd} but the file has ${size} bytes`);
  return { entries, metadata, dataStart };
}

function toTensor(file: string, name: string, e: SafetensorsEntry, buf: Buffer): tf.Tensor {
  // Copy into a fresh, aligned ArrayBuffer (Buffer slices may share an unaligned pool).
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const shape = [...e.shape];
  switch (e.dtype) {
    case 'F32':
      return tf.tensor(new Float32Array(ab), shape, 'float32');
    case 'I32':
      return tf.tensor(new Int32Array(ab), shape, 'int32');
    case 'BOOL':
    case 'U8':
      return tf.tensor(new Uint8Array(ab), shape, e.dtype === 'BOOL' ? 'bool' : 'int32');
    case 'F16':
      return tf.tensor(decodeFloat16(new Uint16Array(ab)), shape, 'float32');
    case 'BF16':
      return tf.tensor(decodeBFloat16(new Uint16Array(ab)), shape, 'float32');
    case 'F64':
      return tf.tensor(Float32Array.from(new Float64Array(ab)), shape, 'float32');
    case 'I64': {
      const big = new BigInt64Array(ab);
      const out = new Int32Array(big.length);
      for (let i = 0; i < big.length; i++) {
        const v = Number(big[i]);
        if (v > 2147483647 || v < -2147483648) throw fail(file, `tensor "${name}" holds int64 value ${v}, outside int32`);
        out[i] = v;
      }
      return tf.tensor(out, shape, 'int32');
    }
    default:
      throw fail(file, `tensor "${name}" has unsupported dtype ${e.dtype}`);
  }
}

/**
 * Reads a safetensors file into new tensors (caller disposes). F16/BF16/F64 become float32, I64/U8
 * int32. `names` limits the read to those tensors (only their bytes are read, for big shards).
 */
export async function readSafetensors(file: string, options: { names?: readonly string[] } = {}): Promise<{ tensors: Record<string, tf.Tensor>; metadata: Record<string, string> }> {
  checkHost();
  let fh: FileHandle;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    throw new RecError('E_CHECKPOINT', `Cannot open checkpoint file ${file}: ${(e as Error).message}`, { cause: e, hint: 'Check the path; a checkpoint folder holds tensors.safetensors and state.json.' });
  }
  const tensors: Record<string, tf.Tensor> = {};
  try {
    const header = await readSafetensorsHeader(file, fh);
    const wanted = options.names ?? [...header.entries.keys()];
    for (const name of wanted) {
      const e = header.entries.get(name);
      if (e === undefined) throw fail(file, `it has no tensor "${name}"`);
      const buf = await readExactly(fh, file, e.end - e.begin, header.dataStart + e.begin);
      tensors[name] = toTensor(file, name, e, buf);
    }
    return { tensors, metadata: { ...header.metadata } };
  } catch (e) {
    tf.dispose(Object.values(tensors));
    throw e;
  } finally {
    await fh.close();
  }
}

/** Reads and validates only the header: tensor names, dtypes, shapes (e.g. to plan a sharded load). */
export async function inspectSafetensors(file: string): Promise<SafetensorsHeader> {
  checkHost();
  let fh: FileHandle;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    throw new RecError('E_CHECKPOINT', `Cannot open safetensors file ${file}: ${(e as Error).message}`, { cause: e, hint: 'Check the path.' });
  }
  try {
    return await readSafetensorsHeader(file, fh);
  } finally {
    await fh.close();
  }
}
