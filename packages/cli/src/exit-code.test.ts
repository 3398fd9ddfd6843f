import { RecError } from '@ed2/core';
import { describe, expect, it } from 'vitest';
import { exitCodeOf } from './exit-code';

describe('exit codes', () => {
  it('2 for usage and configuration, 3 for data, 130 for an interrupt, 1 for the rest', () => {
    for (const code of ['E_CONFIG', 'E_PLUGIN', 'E_PLUGIN_UNKNOWN', 'E_PLUGIN_DUPLICATE', 'E_UNSUPPORTED', 'E_RUN_DIR'] as const) expect(exitCodeOf(new RecError(code, 'x'))).toBe(2);
    for (const code of ['E_DATA_FORMAT', 'E_DATA_MISSING'] as const) expect(exitCodeOf(new RecError(code, 'x'))).toBe(3);
    expect(exitCodeOf(new RecError('E_ABORTED', 'x'))).toBe(130);
    for (const code of ['E_NUMERIC', 'E_BACKEND', 'E_CHECKPOINT', 'E_SHAPE', 'E_WORKER', 'E_INTERNAL'] as const) expect(exitCodeOf(new RecError(code, 'x'))).toBe(1);
    expect(exitCodeOf(new TypeError('x'))).toBe(1);
  });
});
