import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildRegistry, buildRegistryReport } from './build-registry';

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

  it('leaves out, and reports by name, a plugin that fails to load, one built for another plugin API and one that clashes; the rest still load', () => {
    const broken = pluginPackage('rec-plugin-broken', 'throw new Error("boom")');
    const future = pluginPackage('rec-plugin-future', `exports.default = { meta: { name: 'rec-plugin-future', version: '1.0.0', apiVersion: 7 } };`);
    const clash = pluginPackage(
      'rec-plugin-clash',
      `const { z } = require(${JSON.stringify(require.resolve('zod'))});
       exports.default = { meta: { name: 'rec-plugin-clash', version: '1.0.0', apiVersion: 1 },
         recommenders: { sasrec: { summary: 'x', config: z.object({}).strict(), create: () => null } } };`,
    );
    const good = pluginPackage(
      'rec-plugin-good',
      `const { z } = require(${JSON.stringify(require.resolve('zod'))});
       exports.default = { meta: { name: 'rec-plugin-good', version: '1.0.0', apiVersion: 1 },
         metrics: { half: { summary: 'half', config: z.object({}).strict(), create: () => Object.assign(() => 0.5, { metricName: 'half' }) } } };`,
    );
    const report = buildRegistryReport([broken, future, clash, good]);
    expect(report.problems.map((p) => [p.plugin, p.code])).toEqual([
      ['rec-plugin-broken', 'E_PLUGIN'],
      ['rec-plugin-future', 'E_PLUGIN'],
      ['rec-plugin-clash', 'E_PLUGIN_DUPLICATE'],
    ]);
    expect(report.problems[0].reason).toMatch(/rec-plugin-broken could not be loaded.*boom/);
    expect(report.problems[1].reason).toMatch(/rec-plugin-future declares plugin apiVersion 7; this rec supports apiVersion 1/);
    expect(report.problems[2].reason).toMatch(/"sasrec" is registered by both "@ed2\/baselines" and "rec-plugin-clash"/);
    expect(report.loaded.map((p) => p.name)).toEqual(['rec-plugin-good']);
    expect(report.registry.has('metrics', 'half')).toBe(true);
    expect(report.registry.get('recommenders', 'sasrec').plugin).toBe('@ed2/baselines');
    expect(buildRegistry([broken, good]).has('metrics', 'half')).toBe(true);
  });
});
