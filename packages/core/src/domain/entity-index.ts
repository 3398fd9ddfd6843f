import type { ItemId, UserId } from './corpus';

/**
 * The discrete indices of one branch (items or users), as the LLM reads and writes them.
 * `tokens[id]` is entity `id`'s token sequence, e.g. `['<a_12>', '<b_3>', '<c_77>', '<d_200>']`
 * (plus a collision suffix such as `<p_1>` where one is needed); every sequence is unique.
 * Indexers produce it; tasks, the backbone's vocabulary extension and the prefix trie consume it.
 */
export interface EntityIndex {
  readonly kind: 'item' | 'user';
  readonly tokens: readonly (readonly string[])[];
  /** Every token this branch may use, in vocabulary order (for `extendVocab`). */
  readonly vocabulary: readonly string[];
}

/** Item and user branch together (ED²'s dual index); `user` is absent for item-only models. */
export interface DualIndex {
  readonly item: EntityIndex;
  readonly user?: EntityIndex;
}

/** The index of one entity as one string, e.g. `<a_12><b_3><c_77><d_200>`. */
export function indexText(index: EntityIndex, id: ItemId | UserId): string {
  const t = index.tokens[id];
  if (!t) throw new RangeError(`indexText: ${index.kind} ${id} has no index (0..${index.tokens.length - 1})`);
  return t.join('');
}
