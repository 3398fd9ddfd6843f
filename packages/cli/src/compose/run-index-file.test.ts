import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecError } from '@ed2/core';
import { indexSource, writeRunIndex } from './run-index-file';

/** A run folder stand-in that keeps what is written. */
function fakeRun() {
  const files = new Map<string, string>();
  return { files, writeText: async (name: string, text: string) => (files.set(name, text), name) };
}

describe('writeRunIndex', () => {
  it('writes the item and user index of a dual model as LC-Rec files, nothing for id-based models', async () => {
    const run = fakeRun();
    const index = {
      item: { kind: 'item', tokens: [['<a_1>', '<b_0>'], ['<a_1>', '<b_0>', '<p_1>']], vocabulary: [] },
      user: { kind: 'user', tokens: [['<u_a_3>', '<u_b_2>']], vocabulary: [] },
    };
    expect(await writeRunIndex(run, { index })).toEqual(['index/item.index.json', 'index/user.index.json']);
    expect(run.files.get('index/item.index.json')).toBe('{"0": ["<a_1>", "<b_0>"], "1": ["<a_1>", "<b_0>", "<p_1>"]}');
    expect(run.files.get('index/user.index.json')).toBe('{"0": ["<u_a_3>", "<u_b_2>"]}');
    expect(await writeRunIndex(fakeRun(), { fit: () => undefined })).toEqual([]);
  });
  it('an index the formats cannot hold is one warning, not a failed run', async () => {
    const warnings: string[] = [];
    const run = fakeRun();
    const written = await writeRunIndex(run, { index: { item: { kind: 'item', tokens: [['<x>']], vocabulary: [] } } }, { warn: (m) => void warnings.push(m) });
    expect(written).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/index was not written.*not an index token/);
  });
  it('a folder that is not a run, or a run without an index, names the fix', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ed2-run-index-'));
    const err = (() => {
      try {
        indexSource(dir, 'item');
      } catch (e) {
        return e;
      }
    })();
    expect(RecError.is(err, 'E_RUN_DIR')).toBe(true);
    expect((err as RecError).message).toMatch(/holds no item index/);
    expect(() => indexSource(join(dir, 'nope'), 'item')).toThrow(/does not exist/);
  });
});
