import type { InstructionTemplate } from './instruction-template';

/** `profile`: user index + training history → a summary of the user's preferences (`{profile}`). */
export const profileTemplates: readonly InstructionTemplate[] = [
  {
    id: 'profile-1',
    prompt: 'User {user} has bought {history}. Describe the preferences of this user.',
    promptNoUser: 'A user has bought {history}. Describe the preferences of this user.',
    response: '{profile}',
  },
  {
    id: 'profile-2',
    prompt: 'Judging from the items {history}, summarise what user {user} likes.',
    promptNoUser: 'Judging from the items {history}, summarise what this user likes.',
    response: '{profile}',
  },
  {
    id: 'profile-3',
    prompt: 'From the purchase history {history}, write a short preference profile of user {user}.',
    promptNoUser: 'From the purchase history {history}, write a short preference profile of this user.',
    response: '{profile}',
  },
];
