/** A token span `[start, end)` of one item inside a prompt. */
export interface ItemSpan {
  readonly start: number;
  readonly end: number;
}

/**
 * DARec's context mask, `[batch, width, width]` row-major (1 = query i may attend key j): causal everywhere; a
 * token inside an item span attends only to the earlier tokens of the same span (intra-item relations); every
 * other prompt token (BOS, the user token, the instruction words, the read-out position) attends causally to
 * all real tokens before it. Keys at or after a sample's length (right padding) are masked; a padding query keeps
 * the real keys and itself, so no row is empty. Spans must not overlap.
 */
export function contextMask(spans: readonly (readonly ItemSpan[])[], lengths: readonly number[], width: number): Float32Array {
  const out = new Float32Array(spans.length * width * width);
  spans.forEach((sample, b) => {
    const len = lengths[b];
    const owner = new Int32Array(width).fill(-1);
    for (const { start, end } of sample) for (let p = start; p < end && p < width; p++) owner[p] = start;
    const base = b * width * width;
    for (let i = 0; i < width; i++) {
      const from = i < len && owner[i] >= 0 ? owner[i] : 0;
      for (let j = from; j <= i; j++) if (j < len || j === i) out[base + i * width + j] = 1;
    }
  });
  return out;
}
