import * as tf from '@tensorflow/tfjs-core';
import type { AdamW } from '@ed2/core';
import type { SasRec } from '@ed2/baselines';

export interface KernelGroup {
  kernel: string;
  shapes: string;
  calls: number;
  ms: number;
  share: number;
}

/**
 * Kernel time of one training step (loss + gradients + AdamW update) under `tf.profile`, grouped by kernel
 * name and input shapes, largest first. The backend's kernel timer measures each kernel's wall time.
 */
export async function profileStep(model: SasRec, optimizer: AdamW, x: tf.Tensor2D, y: tf.Tensor2D, top = 14): Promise<{ totalMs: number; groups: KernelGroup[] }> {
  const vars = Object.values(model.variables);
  const info = await tf.profile(() => {
    const loss = optimizer.step(() => model.loss(x, y, undefined, 7), vars);
    loss.dataSync();
    loss.dispose();
  });
  const groups = new Map<string, KernelGroup>();
  let totalMs = 0;
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0; // resolved by tf.profile; { error } when untimed
    const shapes = k.inputShapes.map((s) => `[${s.join(',')}]`).join(' ');
    const key = `${k.name} ${shapes}`;
    const g = groups.get(key) ?? { kernel: k.name, shapes, calls: 0, ms: 0, share: 0 };
    g.calls++;
    g.ms += ms;
    totalMs += ms;
    groups.set(key, g);
  }
  const sorted = [...groups.values()].sort((a, b) => b.ms - a.ms).slice(0, top);
  for (const g of sorted) g.share = g.ms / totalMs;
  return { totalMs, groups: sorted };
}
