import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { container } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RecError } from '../errors/rec-error';
import { definePlugin, PLUGIN_API_VERSION } from '../plugin/plugin-manifest';
import { PluginRegistry } from '../plugin/plugin-registry';
import { resolveDataset } from './resolve-dataset';

const DATA = resolve(__dirname, '../../../../../shared/datasets');

async function error(p: Promise<unknown>): Promise<RecError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(RecError);
  return e as RecError;
}

describe('resolveDataset', () => {
  it('resolves a registered name, with config from the spec or the second argument', async () => {
    const a = await resolveDataset('synthetic', { numUsers: 30, numItems: 20 });
    const b = await resolveDataset({ name: 'synthetic', config: { numUsers: 30, numItems: 20 } });
    expect(a.name).toBe('synthetic');
    const [ca, cb] = [await a.load(), await b.load()];
    expect(ca.users.length).toBe(30);
    expect(cb).toEqual(ca);
  });
  it('validates the config of a named dataset', async () => {
    const e = await error(resolveDataset('synthetic', { numUsers: -1 }));
    expect(e.code).toBe('E_CONFIG');
  });
  it('picks the format of a path with each plugin detect()', async () => {
    expect((await resolveDataset(join(DATA, 'amazon-instruments'))).name).toBe('amazon-lcrec');
    expect((await resolveDataset(join(DATA, 'ml-100k'))).name).toBe('recbole');
    const sci = await resolveDataset(join(DATA, 'amazon-scientific', 'Scientific.text'), { kCore: 0 }, undefined, container.createChildContainer());
    expect(sci.name).toBe('recbole');
    expect((await sci.load()).users.length).toBe(8442);
  });
  it('uses datasets of the given registry first, core ones for the rest', async () => {
    const registry = new PluginRegistry();
    registry.register({
      meta: { name: 'x', version: '1.0.0', apiVersion: PLUGIN_API_VERSION },
      datasets: { mine: definePlugin({ summary: 'mine', config: z.object({}).strict(), create: () => ({ name: 'mine', load: () => Promise.reject(new Error('unused')) }) }) },
    });
    expect((await resolveDataset('mine', {}, registry)).name).toBe('mine');
    expect((await resolveDataset('synthetic', { numUsers: 5 }, registry)).name).toBe('synthetic');
  });
  it('an unknown name or path gives E_DATA_MISSING listing the names and formats', async () => {
    const e = await error(resolveDataset('synthtic'));
    expect(e.code).toBe('E_DATA_MISSING');
    expect(e.message).toMatch(/synthetic/);
    expect(e.message).toMatch(/amazon-lcrec, recbole/);
    expect(e.message).toMatch(/Did you mean "synthetic"/);
    const empty = mkdtempSync(join(tmpdir(), 'ed2-empty-'));
    const e2 = await error(resolveDataset(empty));
    expect(e2.code).toBe('E_DATA_MISSING');
    expect(e2.message).toMatch(/No dataset format recognises/);
    expect(e2.hint).toBeTruthy();
  });
});
