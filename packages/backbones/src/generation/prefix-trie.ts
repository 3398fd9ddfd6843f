/** Trie over allowed token sequences (e.g. item index tokens); a node is complete when a sequence ends there. */
export class PrefixTrie {
  private readonly children = new Map<number, PrefixTrie>();
  complete = false;

  static from(sequences: readonly (readonly number[])[]): PrefixTrie {
    const root = new PrefixTrie();
    for (const s of sequences) root.insert(s);
    return root;
  }

  insert(seq: readonly number[]): void {
    const last = seq.reduce<PrefixTrie>((node, t) => {
      let next = node.children.get(t);
      if (!next) {
        next = new PrefixTrie();
        node.children.set(t, next);
      }
      return next;
    }, this);
    last.complete = true;
  }

  /** Allowed next tokens after this node. */
  allowed(): number[] {
    return [...this.children.keys()];
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
}
