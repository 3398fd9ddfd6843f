import type { z } from 'zod';

/** One line per issue: `path: message` (path `(root)` when empty). */
export function formatZodError(error: z.ZodError): string {
  return error.issues
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}
