import type { InstructionTemplate } from './instruction-template';

/**
 * `co-purchase`: an item index + several users who bought it (associated user collection,
 * training interactions only) → another user who bought it. Our own paraphrases.
 */
export const coPurchaseTemplates: readonly InstructionTemplate[] = [
  { id: 'co-purchase-1', prompt: 'Users {users} all bought item {item}. Name another user who bought it too.' },
  { id: 'co-purchase-2', prompt: 'Item {item} was purchased by {users}. Which other user is likely to purchase it as well?' },
  { id: 'co-purchase-3', prompt: 'Besides {users}, which user would also be interested in item {item}?' },
];
