import type { InstructionTemplate } from './instruction-template';

/**
 * `sequential`: user index + chronological history of item indices → the next item's index.
 * Our own paraphrases of the ED² appendix intent ("given the interaction history, predict the next item").
 */
export const sequentialTemplates: readonly InstructionTemplate[] = [
  {
    id: 'sequential-1',
    prompt: 'User {user} has interacted with these items, oldest first: {history}. Predict the item this user will choose next.',
    promptNoUser: 'A user has interacted with these items, oldest first: {history}. Predict the item this user will choose next.',
  },
  {
    id: 'sequential-2',
    prompt: 'Here is the purchase history of user {user} in chronological order: {history}. Which item is the most suitable recommendation for them now?',
    promptNoUser: "Here is a user's purchase history in chronological order: {history}. Which item is the most suitable recommendation for them now?",
  },
  {
    id: 'sequential-3',
    prompt: 'Given the interaction sequence {history}, recommend the next item for user {user}.',
    promptNoUser: 'Given the interaction sequence {history}, recommend the next item for this user.',
  },
  {
    id: 'sequential-4',
    prompt: 'Based on what user {user} bought before ({history}, most recent last), what will they buy next?',
    promptNoUser: 'Based on what a shopper bought before ({history}, most recent last), what will they buy next?',
  },
];
