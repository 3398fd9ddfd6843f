import type { ItemId, UserId } from '../domain/corpus';
import type { Split } from '../domain/split';

/** Associated user collection A_k: users who interacted with item k in the training part only. */
export function associatedUsers(split: Split): Map<ItemId, UserId[]> {
  const out = new Map<ItemId, UserId[]>();
  split.train.forEach((seq, user) => {
    for (const item of new Set(seq)) {
      const list = out.get(item);
      if (list) list.push(user);
      else out.set(item, [user]);
    }
  });
  return out;
}
