import type { InstructionTemplate } from './instruction-template';

/** `index-item` (LC-Rec alignment): an item's index → its title/description (`{text}`). */
export const indexItemTemplates: readonly InstructionTemplate[] = [
  { id: 'index-item-1', prompt: 'Describe item {item}.', response: '{text}' },
  { id: 'index-item-2', prompt: 'What are the title and description of item {item}?', response: '{text}' },
  { id: 'index-item-3', prompt: 'Tell me what the product with index {item} is.', response: '{text}' },
];
