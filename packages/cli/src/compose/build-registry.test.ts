import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildRegistry } from './build-registry';

const tmp = mkdtempSync(join(tmpdir(), 'rec-plugin-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A third-party plugin package as `rec plugins install` leaves it: package.json with "rec".plugin. */
function pluginPackage(name: string, body: string): { name: string; root: string; pjson: { rec: { plugin: string } } } {
  const root = join(tmp, name);
  mkdirSync(join(root, 'dist'), { recursive: true });
  const pjson = { name, version: '1.0.0', rec: { plugin: './dist/plugin.js' } };
  writeFileSync(join(root, 'package.json'), JSON.stringify(pjson));
  writeFileSync(join(root, 'dist/plugin.js'), body);
  return { name, root, pjson };
}

describe('buildRegistry', () => {
  it('registers the first-party plugins', () => {
    const r = buildRegistry();
    expect(r.names('recommenders')).toEqual(expect.arrayContaining(['sasrec', 'gru4rec']));
    expect(r.names('datasets')).toEqual(expect.arrayContaining(['synthetic', 'amazon-lcrec', 'recbole']));
    expect(r.names('indexers')).toEqual(expect.arrayContaining(['hvqae', 'rqvae', 'lsh', 'static']));
    expect(r.names('tasks')).toContain('sequential');
    expect(r.names('metrics')).toEqual(expect.arrayContaining(['hr', 'ndcg', 'mrr']));
  });

  it('loads an installed plugin from its "rec".plugin entry and ignores packages without one', () => {
    const p = pluginPackage(
      'rec-plugin-pop',
      `const { z } = require(${JSON.stringify(require.resolve('zod'))});
       exports.default = { meta: { name: 'rec-plugin-pop', version: '1.0.0', apiVersion: 1 },
         recommenders: { pop: { summary: 'popularity', config: z.object({}).strict(), create: () => ({ name: 'pop' }) } } };`,
    );
    const r = buildRegistry([p, { name: 'not-a-rec-plugin', root: tmp, pjson: {} }]);
    expect(r.has('recommenders', 'pop')).toBe(true);
    expect(r.get('recommenders', 'pop').plugin).toBe('rec-plugin-pop');
  });

  it('names the plugin that fails to load, and one that clashes with a built-in', () => {
    const broken = pluginPackage('rec-plugin-broken', 'throw new Error("boom")');
    expect(() => buildRegistry([broken])).toThrow(/rec-plugin-broken could not be loaded.*boom/);
    const clash = pluginPackage(
      'rec-plugin-clash',
      `exports.default = { meta: { name: 'rec-plugin-clash', version: '1.0.0', apiVersion: 1 },
         recommenders: { sasrec: { summary: 'x', config: null, create: () => null } } };`,
    );
    expect(() => buildRegistry([clash])).toThrow(/"sasrec" is registered by both "@ed2\/baselines" and "rec-plugin-clash"/);
  });
});
