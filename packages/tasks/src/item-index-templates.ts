import type { InstructionTemplate } from './instruction-template';

/** `item-index` (LC-Rec alignment): an item's title/description → its index (`{target}`). */
export const itemIndexTemplates: readonly InstructionTemplate[] = [
  { id: 'item-index-1', prompt: 'Which item is described as follows? {text}' },
  { id: 'item-index-2', prompt: 'Give the index of the item with this description: {text}' },
  { id: 'item-index-3', prompt: 'Here is the text of a product: "{text}". Reply with the index of that product.' },
];
