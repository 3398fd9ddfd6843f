import type { Corpus } from '../domain/corpus';
import type { EvalCase, Split } from '../domain/split';
import type { EventBus } from '../events/event-bus';

/** How many too-short users a warning names before it summarises the rest. */
const NAMED = 10;

/**
 * Chronological leave-one-out split. Users with fewer than 3 items keep their whole sequence as
 * training data and get no valid/test case (documented choice; `corpusStats` counts them). With
 * `events`, those users are reported in ONE warning naming them (their dataset keys).
 */
export function leaveOneOut(corpus: Corpus, options: { readonly events?: Pick<EventBus, 'warn'> } = {}): Split {
  const train: number[][] = [];
  const valid: EvalCase[] = [];
  const test: EvalCase[] = [];
  const short: number[] = [];
  corpus.sequences.forEach((seq, user) => {
    if (seq.length < 3) {
      train.push([...seq]);
      short.push(user);
      return;
    }
    const n = seq.length;
    train.push(seq.slice(0, n - 2));
    valid.push({ user, history: seq.slice(0, n - 2), target: seq[n - 2]! });
    test.push({ user, history: seq.slice(0, n - 1), target: seq[n - 1]! });
  });
  if (options.events && short.length > 0) {
    const names = short.slice(0, NAMED).map((u) => `"${corpus.users[u]?.key ?? u}"`);
    const more = short.length > NAMED ? ` and ${short.length - NAMED} more` : '';
    options.events.warn(
      `${corpus.name}: ${short.length} user${short.length === 1 ? '' : 's'} with fewer than 3 items cannot be split (kept for training only, no valid/test case): ${names.join(', ')}${more}. Set the dataset option minSequenceLength=3 to drop them.`,
      { users: short.length },
    );
  }
  return { numItems: corpus.items.length, numUsers: corpus.users.length, train, valid, test };
}
