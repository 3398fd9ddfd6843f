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
    let node: PrefixTrie = this;
    for (const t of seq) {
      let next = node.children.get(t);
      if (!next) {
        next = new PrefixTrie();
        node.children.set(t, next);
      }
      node = next;
    }
    node.complete = true;
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
    let node: PrefixTrie | undefined = this;
    for (const t of prefix) node = node?.child(t);
    return node;
  }

  has(seq: readonly number[]): boolean {
    return this.walk(seq)?.complete ?? false;
  }
}
