import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRunConfig } from './read-run-config';

describe('readRunConfig', () => {
  it('reads a config.json saved with a BOM and CRLF line ends (edited on Windows)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ed2-run-config-'));
    writeFileSync(join(dir, 'config.json'), '\uFEFF{\r\n  "model": "gru4rec",\r\n  "seed": 3\r\n}\r\n');
    expect(readRunConfig(dir)).toEqual({ model: 'gru4rec', seed: 3 });
  });
  it('a damaged config.json is E_RUN_DIR with the fix; a folder without one is no run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ed2-run-config-'));
    expect(readRunConfig(dir)).toBeUndefined();
    writeFileSync(join(dir, 'config.json'), '{"model": ');
    expect(() => readRunConfig(dir)).toThrow(/config\.json is not valid JSON/);
  });
});
