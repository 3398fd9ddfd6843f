import * as tf from '@tensorflow/tfjs-core';

/**
 * `table[ids]` with a gradient that is fast on every backend: tfjs's own gather gradient is extremely
 * slow on `cpu` and missing on `wasm`. The gradient is `unsortedSegmentSum` on `tensorflow` (native);
 * elsewhere the ids are de-duplicated on the host, the duplicates' rows of `dy` summed with a small
 * `oneHot(inverse)ᵀ · dy` product, and the sums scattered into the table's shape (wasm's scatterND does
 * not sum duplicate indices; a dense `oneHot(ids, rows)` product is ~100× slower at 10k rows).
 * Hand-written because no package offers this. table: [rows, dim]; ids: int32 [n] → [n, dim].
 */
export function gatherRows(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  const [rows, dim] = table.shape;
  // `ids` is saved on the tape: the caller's tidy may dispose it before the backward pass runs.
  const f = tf.customGrad(((t: tf.Tensor, save: tf.GradSaveFunc) => {
    save([ids]);
    return {
      value: tf.gather(t as tf.Tensor2D, ids),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const idx = saved[0] as tf.Tensor1D; // int32 by contract
        if (tf.getBackend() === 'tensorflow') return tf.unsortedSegmentSum(dy, idx, rows);
        return scatterRowSums(idx.dataSync() as Int32Array, dy as tf.Tensor2D, rows, dim);
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(table) as tf.Tensor2D;
}

/** Σ of the rows of `dy` per id, as a [rows, dim] tensor (ids: host ints, dy: [n, dim]). */
function scatterRowSums(ids: Int32Array, dy: tf.Tensor2D, rows: number, dim: number): tf.Tensor2D {
  const where = new Map<number, number>();
  const unique: number[] = [];
  const inverse = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    let u = where.get(ids[i]);
    if (u === undefined) {
      u = unique.push(ids[i]) - 1;
      where.set(ids[i], u);
    }
    inverse[i] = u;
  }
  if (unique.length === 0) return tf.zeros([rows, dim]);
  // all distinct: unique[i] === ids[i], so dy's rows are already the sums
  const sums = unique.length === ids.length ? dy : tf.matMul(tf.cast(tf.oneHot(tf.tensor1d(inverse, 'int32'), unique.length), 'float32'), dy, true, false);
  return tf.scatterND(tf.tensor2d(Int32Array.from(unique), [unique.length, 1], 'int32'), sums, [rows, dim]);
}
