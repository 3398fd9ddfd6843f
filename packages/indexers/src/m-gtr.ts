import * as tf from '@tensorflow/tfjs-core';
import { safeRowNorm, stopGradient } from './tensor-ops';
import { RecError } from '@ed2/core';

function unitRows(x: tf.Tensor2D): tf.Tensor2D {
  return tf.div(x, safeRowNorm(x)) as tf.Tensor2D;
}

function checkPair(what: string, a: tf.Tensor, b: tf.Tensor): void {
  if (a.rank !== 2 || b.rank !== 2 || a.shape[0] !== b.shape[0] || a.shape[1] !== b.shape[1]) {
    throw new RecError('E_SHAPE', `${what}: expected two [B, d] tensors of the same shape, got [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`);
  }
}

/**
 * m-GTR index level: symmetric InfoNCE over the batch between two [B, d] representations (e.g. the LLM's
 * representation of the index tokens Ω_i and of the text T_i). Logits are cosine similarities / τ;
 * positives on the diagonal; the loss is the mean of the row-wise and column-wise cross-entropies.
 */
export function indexInfoNce(a: tf.Tensor2D, b: tf.Tensor2D, temperature = 0.07): tf.Scalar {
  checkPair('indexInfoNce', a, b);
  return tf.tidy(() => {
    const logits = tf.div(tf.matMul(unitRows(a), unitRows(b), false, true), temperature) as tf.Tensor2D;
    const rows = tf.mean(tf.sub(tf.logSumExp(logits, 1), diag(logits)));
    const cols = tf.mean(tf.sub(tf.logSumExp(logits, 0), diag(logits)));
    return tf.div(tf.add(rows, cols), 2) as tf.Scalar;
  });
}

function diag(s: tf.Tensor2D): tf.Tensor1D {
  return tf.sum(tf.mul(s, tf.eye(s.shape[0])), 1);
}

/**
 * m-GTR token level for one quantizer level: entity i's input X_i [B, D] against its chosen codeword
 * c_i (positive) and the other entities' codewords c_j (negatives), each negative's term divided by
 * w_ij = exp(cos(X_i, X_j)) (computed without gradient; similar entities are pushed apart less):
 *   L = mean_i −log( e^{s_ii} / (e^{s_ii} + Σ_{j≠i} e^{s_ij} / w_ij) ),  s_ij = cos(X_i, c_j) / τ.
 */
export function tokenContrastiveLevel(inputs: tf.Tensor2D, chosen: tf.Tensor2D, temperature = 0.1): tf.Scalar {
  checkPair('tokenContrastiveLevel', inputs, chosen);
  return tf.tidy(() => {
    const xi = unitRows(inputs);
    const s = tf.div(tf.matMul(xi, unitRows(chosen), false, true), temperature) as tf.Tensor2D;
    const sim = stopGradient(tf.matMul(xi, xi, false, true));
    const offDiag = tf.sub(1, tf.eye(inputs.shape[0]));
    const logits = tf.sub(s, tf.mul(sim, offDiag)) as tf.Tensor2D;
    return tf.mean(tf.sub(tf.logSumExp(logits, 1), diag(s))) as tf.Scalar;
  });
}

/** m-GTR token level over all quantizer levels (the per-level losses averaged). */
export function tokenContrastiveLoss(inputs: readonly tf.Tensor2D[], chosen: readonly tf.Tensor2D[], temperature = 0.1): tf.Scalar {
  if (inputs.length === 0 || inputs.length !== chosen.length) {
    throw new RecError('E_SHAPE', `tokenContrastiveLoss: need one chosen codeword tensor per level (got ${inputs.length} inputs, ${chosen.length} chosen)`);
  }
  return tf.tidy(() => tf.div(tf.addN(inputs.map((x, m) => tokenContrastiveLevel(x, chosen[m], temperature))), inputs.length) as tf.Scalar);
}
