import { decodeBFloat16, decodeFloat16, RecError } from '@ed2/core';

/** GGML tensor types this loader reads (ids from ggml.h). */
export const GGML_TYPES = { F32: 0, F16: 1, Q4_0: 2, Q4_1: 3, Q8_0: 8, BF16: 30 } as const;
const NAMES = new Map<number, string>(Object.entries(GGML_TYPES).map(([k, v]) => [v, k]));

/** Bytes of `n` elements of a GGML type (block types need n divisible by 32). */
export function ggmlByteSize(type: number, n: number, what: string): number {
  switch (type) {
    case GGML_TYPES.F32: return n * 4;
    case GGML_TYPES.F16:
    case GGML_TYPES.BF16: return n * 2;
    case GGML_TYPES.Q8_0: return blocks(n, what) * 34;
    case GGML_TYPES.Q4_0: return blocks(n, what) * 18;
    case GGML_TYPES.Q4_1: return blocks(n, what) * 20;
    default:
      throw new RecError('E_UNSUPPORTED', `GGUF tensor '${what}' has GGML type ${type}, which this loader does not read`, {
        hint: `supported: ${[...NAMES.values()].join(', ')}; re-quantise with llama.cpp (llama-quantize ... Q8_0) or convert to f16`,
      });
  }
}

function blocks(n: number, what: string): number {
  if (n % 32 !== 0) throw new RecError('E_SHAPE', `GGUF tensor '${what}' has ${n} elements, not a multiple of the 32-element block`, { hint: 'corrupt file' });
  return n / 32;
}

/** Decodes raw tensor bytes (little-endian) of a GGML type into float32 values. */
export function dequantizeGgml(type: number, bytes: Uint8Array, n: number, what: string): Float32Array {
  const need = ggmlByteSize(type, n, what);
  if (bytes.byteLength !== need) throw new RecError('E_SHAPE', `GGUF tensor '${what}' has ${bytes.byteLength} bytes, expected ${need}`, { hint: 'corrupt file' });
  if (bytes.byteOffset % 4 !== 0) bytes = bytes.slice(); // typed views need aligned memory
  if (type === GGML_TYPES.F32) return new Float32Array(bytes.buffer, bytes.byteOffset, n);
  if (type === GGML_TYPES.F16) return decodeFloat16(new Uint16Array(bytes.buffer, bytes.byteOffset, n));
  if (type === GGML_TYPES.BF16) return decodeBFloat16(new Uint16Array(bytes.buffer, bytes.byteOffset, n));
  const out = new Float32Array(n);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const half = (pos: number) => decodeFloat16(new Uint16Array([dv.getUint16(pos, true)]))[0];
  const nb = n / 32;
  for (let b = 0; b < nb; b++) {
    const o = b * 32;
    if (type === GGML_TYPES.Q8_0) {
      // block: f16 scale d, 32 × int8 q; x = d·q
      const base = b * 34;
      const d = half(base);
      for (let j = 0; j < 32; j++) out[o + j] = d * dv.getInt8(base + 2 + j);
    } else {
      // Q4_0: f16 d, 16 bytes; x = d·(nibble − 8). Q4_1: f16 d, f16 m, 16 bytes; x = d·nibble + m.
      // Low nibbles are elements 0..15, high nibbles 16..31.
      const q41 = type === GGML_TYPES.Q4_1;
      const base = b * (q41 ? 20 : 18);
      const d = half(base);
      const m = q41 ? half(base + 2) : -8 * d;
      const qs = base + (q41 ? 4 : 2);
      for (let j = 0; j < 16; j++) {
        const byte = dv.getUint8(qs + j);
        out[o + j] = d * (byte & 0x0f) + m;
        out[o + j + 16] = d * (byte >> 4) + m;
      }
    }
  }
  return out;
}
