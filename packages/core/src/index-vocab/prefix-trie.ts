/**
 * Trie over allowed token sequences (e.g. item index tokens). A node is complete when a sequence ends there;
 * a complete node carries the `value` it was inserted with (the item id), so constrained decoding maps a
 * finished sequence straight to its item, never through an index string.
 */
export class PrefixTrie {
  private readonly children = new Map<number, PrefixTrie>();
  complete = false;
  /** The entity id of the sequence ending here (set when complete and inserted with a value). */
  value: number | undefined;

  static from(sequences: readonly (readonly number[])[]): PrefixTrie {
    const root = new PrefixTrie();
    sequences.forEach((s, i) => root.insert(s, i));
    return root;
  }

  insert(seq: readonly number[], value?: number): void {
    const last = seq.reduce<PrefixTrie>((node, t) => {
      let next = node.children.get(t);
      if (!next) {
        next = new PrefixTrie();
        node.children.set(t, next);
      }
      return next;
    }, this);
    last.complete = true;
    if (value !== undefined) last.value = value;
  }

  /** Allowed next tokens after this node. */
  allowed(): number[] {
    return [...this.children.keys()];
  }

  get size(): number {
    return this.children.size;
  }

  child(token: number): PrefixTrie | undefined {
    return this.children.get(token);
  }

  /** Node reached by a prefix, or undefined when the prefix leaves the trie. */
  walk(prefix: readonly number[]): PrefixTrie | undefined {
    return prefix.reduce<PrefixTrie | undefined>((node, t) => node?.child(t), this);
  }

  has(seq: readonly number[]): boolean {
    return this.walk(seq)?.complete ?? false;
  }

  /** Every complete sequence with its value (depth first), e.g. to check that each leaf decodes to its own item. */
  entries(prefix: number[] = []): { tokens: number[]; value: number | undefined }[] {
    const out: { tokens: number[]; value: number | undefined }[] = [];
    if (this.complete) out.push({ tokens: [...prefix], value: this.value });
    for (const [t, c] of this.children) out.push(...c.entries([...prefix, t]));
    return out;
  }
}
