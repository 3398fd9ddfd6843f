/**
 * The generation side a trie-constrained beam search needs from a model (DESIGN §2): the LLaMA decoder, TIGER's
 * encoder–decoder and an out-of-process engine each implement it, and `trieBeamSearch` does the beam
 * bookkeeping once for all of them.
 */
export interface BeamDecoder {
  /** Log-probability columns come back for ids [firstId, firstId + count) (the index tokens). */
  readonly firstId: number;
  readonly count: number;
  /**
   * Runs every prompt; returns row-major log-probabilities [prompts.length, count] of the first generated
   * token, each normalised over the decoder's whole output vocabulary.
   */
  start(prompts: readonly (readonly number[])[]): Float32Array;
  /** Continues: new row r extends old row parents[r] by token tokens[r]; returns [parents.length, count]. */
  advance(parents: readonly number[], tokens: readonly number[]): Float32Array;
  /** Frees caches. */
  dispose(): void;
}
