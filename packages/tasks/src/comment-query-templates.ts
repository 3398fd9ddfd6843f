import type { InstructionTemplate } from './instruction-template';

/** `comment-query`, comment kind: (user, item) → the user's review of the item. Response `{comment}`. */
export const commentTemplates: readonly InstructionTemplate[] = [
  {
    id: 'comment-1',
    prompt: 'User {user} bought item {item}. Write the review this user would leave.',
    promptNoUser: 'A customer bought item {item}. Write the review they would leave.',
    response: '{comment}',
  },
  {
    id: 'comment-2',
    prompt: 'What would user {user} say about item {item} after using it?',
    promptNoUser: 'What would a customer say about item {item} after using it?',
    response: '{comment}',
  },
  {
    id: 'comment-3',
    prompt: 'Write a comment from user {user} on the purchased item {item}.',
    promptNoUser: "Write a customer's comment on the purchased item {item}.",
    response: '{comment}',
  },
];

/** `comment-query`, query kind: (user, search query) → the item's index. Response `{target}`. */
export const queryTemplates: readonly InstructionTemplate[] = [
  {
    id: 'query-1',
    prompt: 'User {user} searches for "{query}". Which item should be recommended?',
    promptNoUser: 'A user searches for "{query}". Which item should be recommended?',
  },
  {
    id: 'query-2',
    prompt: 'Find the item that best matches the search "{query}" made by user {user}.',
    promptNoUser: 'Find the item that best matches the search "{query}".',
  },
  {
    id: 'query-3',
    prompt: 'User {user} is looking for: {query}. Suggest a suitable item.',
    promptNoUser: 'Someone is looking for: {query}. Suggest a suitable item.',
  },
];
