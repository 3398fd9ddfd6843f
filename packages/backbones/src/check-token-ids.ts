import type * as tf from '@tensorflow/tfjs-core';
import { RecError } from '@ed2/core';

/**
 * Refuses any id outside [0, baseVocabSize + index rows): with `rows` given, their count; else `registeredRows`
 * (what the backbone itself holds). An out-of-range id would otherwise embed silently as zeros.
 */
export function checkTokenIds(seqs: readonly (readonly number[])[], baseVocabSize: number, rows: tf.Tensor2D | undefined, registeredRows: number): void {
  const limit = baseVocabSize + (rows ? rows.shape[0] : registeredRows);
  for (const s of seqs) {
    for (const id of s) {
      if (!(id >= 0 && id < limit)) {
        throw new RecError('E_SHAPE', `token id ${id} is outside the vocabulary (0..${limit - 1})`, { hint: rows ? 'The index rows do not cover every index token: build them for the whole IndexVocabulary.' : 'Pass the index rows (options.rows) when sequences contain index tokens.' });
      }
    }
  }
}
