import * as tf from '@tensorflow/tfjs-core';
import { RecError, Rng } from '@ed2/core';
import type { LlamaModel, LoraTarget } from '@ed2/backbones';

/**
 * The dynamic adapters of one candidate setting: a LoRA adapter of rank `rank` on the `targets` linears of each
 * layer l whose scale s_l > 0 (update scaled by s_l; s_l = 0: that layer gets none). Attached over the coarse
 * stage's weights, which stay frozen while the candidate trains.
 */
export class LayerAdapters {
  constructor(
    private readonly llm: LlamaModel,
    private readonly targets: readonly LoraTarget[],
    private readonly rank: number,
  ) {}

  /** Refuses targets that already carry the backbone's own LoRA (a dynamic adapter would replace it). */
  check(): void {
    this.llm.blocks.forEach((blk, i) => {
      for (const t of this.targets) {
        if (blk[t].adapter()) throw new RecError('E_CONFIG', `darec: layer ${i}'s ${t} already has the backbone's LoRA adapter, so a dynamic adapter there would replace it`, { hint: `Give dynamicTargets other linears than the backbone's lora.targets (e.g. gate, up, down when LoRA is on q, k, v, o).` });
      }
    });
  }

  /** Attaches the adapters of `scales` (one per layer) with seeded initial values; returns them by logical name. */
  attach(scales: readonly number[], rng: Rng): Record<string, tf.Variable> {
    if (scales.length !== this.llm.blocks.length) {
      throw new RecError('E_CONFIG', `darec: a dynamic setting has ${scales.length} layer scales, the backbone has ${this.llm.blocks.length} layers`, { hint: 'Give one scale per layer in every dynamicGrid row.' });
    }
    const out: Record<string, tf.Variable> = {};
    scales.forEach((s, i) => {
      if (s <= 0) return;
      for (const t of this.targets) {
        const lin = this.llm.blocks[i][t];
        lin.attach({ rank: this.rank, alpha: s * this.rank, dropout: 0, name: `dynamic.${i}.${t}`, rng: rng.fork(`${i}.${t}`) });
        out[`dynamic/${i}/${t}/A`] = lin.a!;
        out[`dynamic/${i}/${t}/B`] = lin.b!;
      }
    });
    return out;
  }

  /** Attaches `scales` and sets the adapters to saved values (from `attach`'s names). */
  restore(scales: readonly number[], values: Readonly<Record<string, tf.Tensor>>): void {
    const vars = this.attach(scales, new Rng('restore'));
    for (const [k, v] of Object.entries(vars)) {
      const t = values[k];
      if (!t || !tf.util.arraysEqual(t.shape, v.shape)) throw new RecError('E_CHECKPOINT', `darec: dynamic adapter ${k} is missing or has another shape`, { hint: 'Resume with the configuration that wrote the checkpoint.' });
      v.assign(t);
    }
  }

  detach(): void {
    for (const blk of this.llm.blocks) for (const t of this.targets) blk[t].detach();
  }
}

/** The default grid for `layers` layers: no adapters, every layer, the lower half, the upper half. */
export function defaultDynamicGrid(layers: number): number[][] {
  const half = Math.max(1, Math.floor(layers / 2));
  const grid = [new Array<number>(layers).fill(0), new Array<number>(layers).fill(1), Array.from({ length: layers }, (_, i) => (i < half ? 1 : 0)), Array.from({ length: layers }, (_, i) => (i >= layers - half ? 1 : 0))];
  return grid.filter((g, i) => grid.findIndex((h) => h.join() === g.join()) === i);
}
