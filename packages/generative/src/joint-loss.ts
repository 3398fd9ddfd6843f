import * as tf from '@tensorflow/tfjs-core';
import type { Backbone, Indexer, IndexerKind, IndexerLosses, IndexVocabulary, LmSample, RowMix } from '@ed2/core';
import { indexInfoNce, stopGradient, tokenContrastiveLoss } from '@ed2/indexers';
import type { EntityOccurrence } from './entity-spans';

/** Everything one joint step needs besides the weights. */
export interface JointBatch {
  readonly lm: readonly LmSample[];
  readonly occurrences: readonly EntityOccurrence[];
  /** Entity features per branch ([n, d], the caller keeps them). */
  readonly features: ReadonlyMap<IndexerKind, tf.Tensor2D>;
  /** Current index token ids of each entity, per branch (for L_ID). */
  readonly entityIds: ReadonlyMap<IndexerKind, readonly (readonly number[])[]>;
  /** Token ids of each entity's text, per branch (for L_ID). */
  readonly textIds: ReadonlyMap<IndexerKind, readonly (readonly number[])[]>;
}

export interface JointWeights {
  readonly beta1: number;
  readonly beta2: number;
  readonly quantizer: number;
  readonly tauId: number;
  readonly tauToken: number;
  /** Train the indexers (dynamic): their losses, the straight-through mixes and L_Token. */
  readonly dynamic: boolean;
  readonly mgtr: boolean;
  readonly mgtrEntities: number;
}

export interface JointTerms {
  readonly total: tf.Scalar;
  readonly terms: Readonly<Record<string, tf.Scalar>>;
}

/**
 * L_all = L_LLM + β1·L_ID + β2·L_Token + w·(the quantizers' recon + commitment), all inside one tape:
 * - the index rows (`rows()`: projected codewords + residual) feed the input embedding and the LM head;
 * - each index written in the batch gets, per level, the straight-through mix onehot + p − sg(p) of its code
 *   probabilities, so L_LLM reaches κ and the encoder through the prompt (dynamic only);
 * - L_ID: InfoNCE between the LLM's pooled representation of an entity's index tokens and of its text;
 * - L_Token: the weighted token-level contrastive loss over each level's inputs and chosen codewords.
 */
export function jointLoss(backbone: Backbone, vocab: IndexVocabulary, indexers: ReadonlyMap<IndexerKind, Indexer>, rowsFn: () => tf.Tensor2D, batch: JointBatch, w: JointWeights, seed: number): JointTerms {
  const rows = rowsFn();
  const terms: Record<string, tf.Scalar> = {};
  // entities of the batch per branch (local index = position in `ents`)
  const ents = new Map<IndexerKind, number[]>();
  for (const o of batch.occurrences) {
    const list = ents.get(o.branch) ?? [];
    if (!list.includes(o.entity)) list.push(o.entity);
    ents.set(o.branch, list);
  }
  const out = new Map<IndexerKind, IndexerLosses>();
  if (w.dynamic) {
    let k = 0;
    for (const [branch, list] of ents) {
      const ix = indexers.get(branch)!;
      const x = tf.gather(batch.features.get(branch)!, tf.tensor1d(list, 'int32')) as tf.Tensor2D;
      out.set(branch, ix.losses(x, { training: true, seed: seed + 7919 * k++ }));
    }
  }
  const positions = new Map([...ents].map(([b, list]) => [b, new Map(list.map((e, i) => [e, i]))]));
  const local = (branch: IndexerKind, e: number) => positions.get(branch)!.get(e)!;
  /** Straight-through deltas for occurrences [(row, pos0, branch, entity)], placed in each level's row block. */
  const mixFor = (occ: readonly { sample: number; start: number; branch: IndexerKind; entity: number }[]): RowMix | undefined => {
    if (!w.dynamic || occ.length === 0) return undefined;
    const positions: { sample: number; pos: number }[] = [];
    const parts: tf.Tensor2D[] = [];
    for (const b of vocab.blocks) {
      if (b.kind !== 'code') continue;
      const mine = occ.filter((o) => o.branch === b.branch && out.has(o.branch));
      if (!mine.length) continue;
      const probs = out.get(b.branch)!.probs[b.level];
      const p = tf.gather(probs, tf.tensor1d(mine.map((o) => local(o.branch, o.entity)), 'int32')) as tf.Tensor2D;
      const delta = tf.sub(p, stopGradient(p)) as tf.Tensor2D;
      parts.push(tf.pad(delta, [[0, 0], [b.start, vocab.size - b.start - b.size]]) as tf.Tensor2D);
      for (const o of mine) positions.push({ sample: o.sample, pos: o.start + b.level });
    }
    if (!parts.length) return undefined;
    return { positions, delta: tf.concat(parts, 0) as tf.Tensor2D };
  };
  const mix = mixFor(batch.occurrences);
  const nll = backbone.responseNllSum(batch.lm, { rows, training: true, ...(mix ? { mix } : {}) });
  terms.llm = tf.div(nll.sum, Math.max(1, nll.tokens)) as tf.Scalar;
  // a tensor of its own: with L_LLM alone (no m-GTR, static indices: LC-Rec) the caller disposes the total before reading the terms
  let total: tf.Scalar = tf.clone(terms.llm);
  if (w.mgtr && w.beta1 > 0) {
    const parts: tf.Scalar[] = [];
    for (const [branch, list] of ents) {
      const pick = list.slice(0, w.mgtrEntities);
      if (pick.length < 2) continue;
      const idSeqs = pick.map((e) => batch.entityIds.get(branch)![e]);
      const txt = pick.map((e) => batch.textIds.get(branch)![e]);
      const m = mixFor(pick.map((e, j) => ({ sample: j, start: 0, branch, entity: e })));
      const a = backbone.pooled(idSeqs, { rows, training: true, ...(m ? { mix: m } : {}) });
      const b = backbone.pooled(txt, { training: true });
      parts.push(indexInfoNce(a, b, w.tauId));
    }
    if (parts.length) {
      terms.id = tf.div(tf.addN(parts), parts.length) as tf.Scalar;
      total = tf.add(total, tf.mul(w.beta1, terms.id)) as tf.Scalar;
    }
  }
  if (w.mgtr && w.dynamic && w.beta2 > 0) {
    const parts: tf.Scalar[] = [];
    for (const [, o] of out) {
      if (o.inputs[0].shape[0] < 2) continue;
      const take = Math.min(o.inputs[0].shape[0], w.mgtrEntities);
      parts.push(tokenContrastiveLoss(o.inputs.map((t) => tf.slice(t, [0, 0], [take, -1]) as tf.Tensor2D), o.chosen.map((t) => tf.slice(t, [0, 0], [take, -1]) as tf.Tensor2D), w.tauToken));
    }
    if (parts.length) {
      terms.token = tf.div(tf.addN(parts), parts.length) as tf.Scalar;
      total = tf.add(total, tf.mul(w.beta2, terms.token)) as tf.Scalar;
    }
  }
  if (w.dynamic && out.size && w.quantizer > 0) {
    terms.quantizer = tf.addN([...out.values()].map((o) => o.total)) as tf.Scalar;
    total = tf.add(total, tf.mul(w.quantizer, terms.quantizer)) as tf.Scalar;
  }
  return { total, terms };
}
