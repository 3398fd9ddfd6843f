/** Shared tokenizer contract (issue 3 item 6). Ids are vocabulary indices; special tokens are never split. */
export interface Tokenizer {
  readonly vocabSize: number;
  readonly bosId: number;
  readonly eosId: number;
  readonly padId?: number;
  encode(text: string, opts?: { bos?: boolean; eos?: boolean }): number[];
  decode(ids: readonly number[]): string;
  decodeToken(id: number): string;
  /** Appends tokens (e.g. index tokens `<a_12>`) to the vocabulary; returns their ids. Existing ones keep their id. */
  addSpecialTokens(tokens: readonly string[]): number[];
  tokenToId(tok: string): number | undefined;
}
