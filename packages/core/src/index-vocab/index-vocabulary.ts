import type { EntityIndex } from '../domain/entity-index';
import type { IndexerKind } from '../domain/indexer';
import { RecError } from '../errors/rec-error';
import { checkIndexLevels, indexLevelToken, indexSuffixToken } from './index-token-names';
import { PrefixTrie } from './prefix-trie';

/** The shape of one branch's token block: M levels of N codes, then `suffixes` collision-suffix slots. */
export interface IndexBranchLayout {
  readonly kind: IndexerKind;
  readonly prefix: string;
  readonly levels: number;
  readonly codebookSize: number;
  /** Preallocated `<p_k>` slots; a collision set larger than this is an error (never a re-allocation). */
  readonly suffixes: number;
}

/** What one index-token row is. `row` is its position in the provider's `[size, d]` rows. */
export interface IndexTokenInfo {
  readonly token: string;
  readonly id: number;
  readonly row: number;
  readonly branch: IndexerKind;
  readonly kind: 'code' | 'suffix';
  /** Level m for codes (the suffix is level M). */
  readonly level: number;
  /** Code within the level, or the suffix rank. */
  readonly code: number;
}

/** A contiguous run of rows: one level's codes or one branch's suffixes. */
export interface IndexRowBlock {
  readonly branch: IndexerKind;
  readonly kind: 'code' | 'suffix';
  readonly level: number;
  readonly start: number;
  readonly size: number;
}

/**
 * Owns token ↔ id ↔ (branch, level, code) ↔ row for every index token. The blocks are fixed when it is made
 * (item codes, item suffixes, user codes, user suffixes), so re-indexing never changes a token's id, a row or a
 * variable: only which tokens an entity uses. Ids are `firstId + row` (the backbone appends the block after its
 * base vocabulary). It yields the tokenizer's special tokens (`tokens`), the row layout for the embedding
 * provider (`blocks`), each entity's token ids and the prefix trie over a branch's indices.
 */
export class IndexVocabulary {
  readonly tokens: readonly string[];
  readonly blocks: readonly IndexRowBlock[];
  private readonly byToken = new Map<string, IndexTokenInfo>();
  private readonly infos: IndexTokenInfo[] = [];

  constructor(
    readonly branches: readonly IndexBranchLayout[],
    readonly firstId: number,
  ) {
    const blocks: IndexRowBlock[] = [];
    const seenPrefix = new Set<string>();
    for (const b of branches) {
      checkIndexLevels(b.levels);
      if (seenPrefix.has(b.prefix)) throw new RecError('E_CONFIG', `IndexVocabulary: two branches use the token prefix "${b.prefix}"`, { hint: "Give the user branch another prefix (default 'u_')." });
      seenPrefix.add(b.prefix);
      for (let m = 0; m < b.levels; m++) {
        blocks.push({ branch: b.kind, kind: 'code', level: m, start: this.infos.length, size: b.codebookSize });
        for (let k = 0; k < b.codebookSize; k++) this.add(indexLevelToken(b.prefix, m, k), b.kind, 'code', m, k);
      }
      blocks.push({ branch: b.kind, kind: 'suffix', level: b.levels, start: this.infos.length, size: b.suffixes });
      for (let k = 0; k < b.suffixes; k++) this.add(indexSuffixToken(b.prefix, k), b.kind, 'suffix', b.levels, k);
    }
    this.blocks = blocks;
    this.tokens = this.infos.map((i) => i.token);
  }

  private add(token: string, branch: IndexerKind, kind: 'code' | 'suffix', level: number, code: number): void {
    const row = this.infos.length;
    const info: IndexTokenInfo = { token, id: this.firstId + row, row, branch, kind, level, code };
    this.infos.push(info);
    this.byToken.set(token, info);
  }

  /** Number of index tokens (rows of the provider). */
  get size(): number {
    return this.infos.length;
  }

  layout(branch: IndexerKind): IndexBranchLayout | undefined {
    return this.branches.find((b) => b.kind === branch);
  }

  id(token: string): number | undefined {
    return this.byToken.get(token)?.id;
  }

  /** Info of an id in this vocabulary, or undefined for an id outside it (a base-vocabulary token). */
  info(id: number): IndexTokenInfo | undefined {
    return this.infos[id - this.firstId];
  }

  isIndexId(id: number): boolean {
    return id >= this.firstId && id < this.firstId + this.infos.length;
  }

  /** Token ids of one entity's index. Unknown tokens and suffix ranks past the preallocated slots are errors. */
  entityIds(index: EntityIndex, entity: number): number[] {
    const toks = index.tokens[entity];
    if (!toks) throw new RecError('E_CONFIG', `IndexVocabulary: ${index.kind} ${entity} has no index (0..${index.tokens.length - 1})`);
    return toks.map((t) => {
      const i = this.byToken.get(t);
      if (!i) {
        const layout = this.layout(index.kind);
        throw new RecError('E_CONFIG', `IndexVocabulary: token ${t} of ${index.kind} ${entity} is not in the preallocated vocabulary${layout ? ` (${layout.suffixes} suffix slots; indexer option suffixTokens)` : ''}`, {
          hint: layout ? `A collision set needs more than ${layout.suffixes} suffix slots: raise the indexer's suffixTokens (or codebookSize/levels).` : `This vocabulary has no ${index.kind} branch.`,
        });
      }
      return i.id;
    });
  }

  /** Token ids of every entity of a branch. */
  allEntityIds(index: EntityIndex): number[][] {
    return index.tokens.map((_, e) => this.entityIds(index, e));
  }

  /** Prefix trie over a branch's indices; each complete node carries its entity id. Duplicate indices are an error. */
  trie(index: EntityIndex): PrefixTrie {
    const trie = new PrefixTrie();
    index.tokens.forEach((_, e) => {
      const ids = this.entityIds(index, e);
      const node = trie.walk(ids);
      if (node?.complete) throw new RecError('E_CONFIG', `IndexVocabulary: ${index.kind}s ${node.value} and ${e} share the index ${index.tokens[e].join('')}`, { hint: 'Resolve collisions with a suffix before building the trie.' });
      trie.insert(ids, e);
    });
    return trie;
  }
}
