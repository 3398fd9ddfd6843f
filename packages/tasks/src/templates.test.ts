import { describe, expect, it } from 'vitest';
import { coPurchaseTemplates } from './co-purchase-templates';
import { commentTemplates, queryTemplates } from './comment-query-templates';
import { indexItemTemplates } from './index-item-templates';
import { fillTemplate, placeholders, type InstructionTemplate } from './instruction-template';
import { itemIndexTemplates } from './item-index-templates';
import { profileTemplates } from './profile-templates';
import { sequentialTemplates } from './sequential-templates';

const SETS: Record<string, { list: readonly InstructionTemplate[]; prompt: string[]; response: string[] }> = {
  sequential: { list: sequentialTemplates, prompt: ['history', 'user'], response: ['target'] },
  'co-purchase': { list: coPurchaseTemplates, prompt: ['item', 'users'], response: ['target'] },
  comment: { list: commentTemplates, prompt: ['item', 'user'], response: ['comment'] },
  query: { list: queryTemplates, prompt: ['query', 'user'], response: ['target'] },
  profile: { list: profileTemplates, prompt: ['history', 'user'], response: ['profile'] },
  'item-index': { list: itemIndexTemplates, prompt: ['text'], response: ['target'] },
  'index-item': { list: indexItemTemplates, prompt: ['item'], response: ['text'] },
};

describe('templates', () => {
  for (const [name, { list, prompt, response }] of Object.entries(SETS)) {
    it(`${name}: ≥ 3 distinct paraphrases using exactly the intended placeholders`, () => {
      expect(list.length).toBeGreaterThanOrEqual(3);
      expect(new Set(list.map((t) => t.prompt)).size).toBe(list.length);
      for (const t of list) {
        expect(placeholders(t.prompt).sort()).toEqual(prompt);
        expect(placeholders(t.response ?? '{target}')).toEqual(response);
        if (prompt.includes('user')) {
          expect(t.promptNoUser).toBeDefined();
          expect(placeholders(t.promptNoUser!).sort()).toEqual(prompt.filter((p) => p !== 'user'));
        }
      }
    });
  }

  it('template ids are unique across all tasks', () => {
    const ids = Object.values(SETS).flatMap((s) => s.list.map((t) => t.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('fillTemplate fills every placeholder and names a missing one', () => {
    expect(fillTemplate('a {x} b {y} {x}', { x: '1', y: '2' })).toBe('a 1 b 2 1');
    expect(() => fillTemplate('needs {user}', { item: 'i' }, 'sequential-1')).toThrow('Template "sequential-1" needs {user}, but no value was given (given: item)');
  });
});
