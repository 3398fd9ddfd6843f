import type { EvalProtocol } from '../evaluator/eval-result';

/** One sentence stating how an evaluation ranked (for reports): ranking, masking, ties. */
export function describeProtocol(p: EvalProtocol): string {
  const ranking =
    p.ranking === 'full'
      ? `Full ranking over ${p.numItems !== undefined ? `all ${p.numItems.toLocaleString('en-US')}` : 'all'} items`
      : `Top-${p.topK} ranking from the model's recommend() lists (a target outside the list scores 0; MRR is truncated at ${p.topK})`;
  const seen = p.excludeSeen
    ? "the user's history items are masked (excludeSeen = true)"
    : "the user's history items are not masked (excludeSeen = false, the paper's protocol)";
  const ties = p.ranking === 'full' ? '; ties are pessimistic (items scoring equal to the target rank ahead of it) and NaN scores rank last' : '';
  const gen = p.constraint ? `; ${p.constraint}` : '';
  const tpl = p.templates ? `; metrics averaged over ${p.templates} prompt template${p.templates > 1 ? 's' : ''}` : '';
  return `${ranking}${gen}; ${seen}${ties}${tpl}; cutoffs K = ${p.ks.join(', ')}.`;
}
