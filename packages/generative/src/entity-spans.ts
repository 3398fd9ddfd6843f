import type { EntityIndex, IndexVocabulary, IndexerKind } from '@ed2/core';

/** One entity index written in a token sequence: where its level tokens sit. */
export interface EntityOccurrence {
  readonly sample: number;
  readonly branch: IndexerKind;
  readonly entity: number;
  /** Position of the level-0 token; level m sits at `start + m`. */
  readonly start: number;
}

/** Looks up entities by their index token ids (one map per branch, rebuilt when indices change). */
export class EntityLookup {
  private readonly maps = new Map<IndexerKind, Map<string, number>>();

  constructor(
    readonly vocab: IndexVocabulary,
    indices: readonly EntityIndex[],
  ) {
    for (const index of indices) {
      const m = new Map<string, number>();
      this.vocab.allEntityIds(index).forEach((ids, e) => m.set(ids.join(','), e));
      this.maps.set(index.kind, m);
    }
  }

  /**
   * Every entity index in `seq` (a run: level-0 … level-(M−1) codes of one branch, then that branch's suffix
   * where one follows). Runs that are not an entity's index (e.g. generated garbage) are skipped.
   */
  scan(seq: readonly number[], sample: number): EntityOccurrence[] {
    const out: EntityOccurrence[] = [];
    for (let i = 0; i < seq.length; i++) {
      const info = this.vocab.info(seq[i]);
      if (!info || info.kind !== 'code' || info.level !== 0) continue;
      const layout = this.vocab.layout(info.branch)!;
      const ids = seq.slice(i, i + layout.levels);
      if (ids.length < layout.levels || ids.some((id, m) => { const x = this.vocab.info(id); return !x || x.branch !== info.branch || x.kind !== 'code' || x.level !== m; })) continue;
      const next = this.vocab.info(seq[i + layout.levels] ?? -1);
      const key = next && next.branch === info.branch && next.kind === 'suffix' ? [...ids, seq[i + layout.levels]].join(',') : ids.join(',');
      const entity = this.maps.get(info.branch)?.get(key);
      if (entity === undefined) continue;
      out.push({ sample, branch: info.branch, entity, start: i });
      i += layout.levels - 1;
    }
    return out;
  }
}
