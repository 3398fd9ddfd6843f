import { RecError } from '../errors/rec-error';

/**
 * The error for malformed dataset files: names the file, where in it (`line 12`, `key "42"`) and the
 * problem, with a hint on how to fix it.
 */
export function dataFormatError(file: string, where: string | undefined, problem: string, hint?: string, cause?: unknown): RecError {
  return new RecError('E_DATA_FORMAT', `${file}${where ? ` (${where})` : ''}: ${problem}`, {
    hint: hint ?? 'Fix or regenerate the file; see the dataset formats in the core README / DESIGN.',
    ...(cause === undefined ? {} : { cause }),
  });
}
