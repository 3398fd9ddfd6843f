import type { Corpus } from '../domain/corpus';
import type { EvalCase, Split } from '../domain/split';

/**
 * Chronological leave-one-out split. Users with fewer than 3 items keep their whole sequence as
 * training data and get no valid/test case (documented choice; `corpusStats` counts them).
 */
export function leaveOneOut(corpus: Corpus): Split {
  const train: number[][] = [];
  const valid: EvalCase[] = [];
  const test: EvalCase[] = [];
  corpus.sequences.forEach((seq, user) => {
    if (seq.length < 3) {
      train.push([...seq]);
      return;
    }
    const n = seq.length;
    train.push(seq.slice(0, n - 2));
    valid.push({ user, history: seq.slice(0, n - 2), target: seq[n - 2]! });
    test.push({ user, history: seq.slice(0, n - 1), target: seq[n - 1]! });
  });
  return { numItems: corpus.items.length, numUsers: corpus.users.length, train, valid, test };
}
