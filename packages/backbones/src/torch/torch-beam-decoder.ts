import { RecError, type BeamDecoder } from '@ed2/core';
import { wireToF32, type WireTensor } from './torch-worker-client';
import type { TorchEngine } from './torch-worker-pool';

/**
 * `BeamDecoder` whose model state (a KV cache of the left-padded prompts, beams reordered by parent each step)
 * lives in the torch worker; `trieBeamSearch` keeps the beam bookkeeping and the trie here, so both backbones
 * search by the same rules. Per step one round trip: parents + tokens out, index-token log-probabilities
 * [beams, count] (normalised over the whole vocabulary) back.
 */
export class TorchBeamDecoder implements BeamDecoder {
  private started = false;

  constructor(
    private readonly client: TorchEngine,
    readonly firstId: number,
    readonly count: number,
    private readonly rows: WireTensor,
    private readonly maxSeqLen: number,
  ) {}

  start(prompts: readonly (readonly number[])[]): Float32Array {
    const T = Math.max(...prompts.map((p) => p.length));
    if (T + 8 > this.maxSeqLen) throw new RecError('E_CONFIG', `beam search: a prompt of ${T} tokens leaves no room within maxSeqLen ${this.maxSeqLen}`, { hint: 'Shorten the history (maxHistory) or use a model with a longer context.' });
    this.started = true;
    return wireToF32(this.client.call<{ logp: WireTensor }>('decode_start', { prompts, rows: this.rows }).logp);
  }

  advance(parents: readonly number[], tokens: readonly number[]): Float32Array {
    return wireToF32(this.client.call<{ logp: WireTensor }>('decode_advance', { parents, tokens }).logp);
  }

  dispose(): void {
    if (!this.started) return;
    this.started = false;
    try {
      this.client.call('decode_end');
    } catch {
      // the worker already failed: the error that ended the search is the one reported
    }
  }
}
