import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { container } from 'tsyringe';
import { afterAll, describe, expect, it } from 'vitest';
import { isPluginPath, loadPluginPackage, pluginPathRoot } from './load-plugin-package';
import { PluginRegistry } from './plugin-registry';

const tmp = mkdtempSync(join(tmpdir(), 'rec-load-plugin-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ZOD = JSON.stringify(require.resolve('zod'));

/** A plugin package folder: package.json (+ "rec".plugin unless `entry` is null) and its module. */
function pkg(dir: string, name: string, body: string, entry: string | null = './plugin.js'): string {
  const root = join(tmp, dir);
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name, version: '1.2.3', ...(entry ? { rec: { plugin: entry } } : {}) }));
  writeFileSync(join(root, 'plugin.js'), body);
  return root;
}

const manifest = (name: string, api = 1, component = 'top') => `const { z } = require(${ZOD});
  module.exports = { meta: { name: '${name}', version: '1.2.3', apiVersion: ${api} },
    recommenders: { ${component}: { summary: 'top items', config: z.object({ k: z.number().default(3) }).strict(),
      create: (_s, c) => ({ name: '${component}', k: c.k, fit: async () => ({}), parameterCount: () => 0, dispose: () => {}, recommend: async () => [] }) } } };`;

describe('loadPluginPackage', () => {
  it('loads a folder, returns the validated manifest and registers it; the product is checked and typed', async () => {
    const root = pkg('good', 'rec-plugin-top', manifest('rec-plugin-top'));
    const registry = new PluginRegistry();
    const p = loadPluginPackage(root, { registry });
    expect(p).toMatchObject({ name: 'rec-plugin-top', version: '1.2.3', root, entry: join(root, 'plugin.js') });
    expect(p.manifest.meta.name).toBe('rec-plugin-top');
    expect(registry.get('recommenders', 'top').plugin).toBe('rec-plugin-top');
    const model = await registry.create('recommenders', 'top', container.createChildContainer(), {});
    expect(model.name).toBe('top');
    expect(registry.parseConfig('recommenders', 'top', {})).toEqual({ k: 3 });
  });

  it('accepts ./relative, file: and file:// forms, and a package name found in node_modules upwards', () => {
    const root = pkg('node_modules/@acme/rec-plugin-x', '@acme/rec-plugin-x', manifest('@acme/rec-plugin-x', 1, 'x'));
    expect(loadPluginPackage('./node_modules/@acme/rec-plugin-x', { from: tmp }).root).toBe(root);
    expect(loadPluginPackage(`file:${root}`).root).toBe(root);
    expect(loadPluginPackage(`file://${root}`).root).toBe(root);
    const deeper = join(tmp, 'project', 'src');
    mkdirSync(deeper, { recursive: true });
    expect(loadPluginPackage('@acme/rec-plugin-x', { from: deeper }).name).toBe('@acme/rec-plugin-x');
    expect(isPluginPath('rec-plugin-x')).toBe(false);
    expect(isPluginPath('@acme/x')).toBe(false);
    expect(isPluginPath('./x') && isPluginPath('/x') && isPluginPath('file:x')).toBe(true);
    expect(pluginPathRoot('file:a/b', '/base')).toBe('/base/a/b');
  });

  it('names the plugin and the fix for each way it can be wrong (E_PLUGIN)', () => {
    const cases: [string, RegExp][] = [
      [pkg('no-entry', 'rec-plugin-plain', manifest('p'), null), /rec-plugin-plain is not a rec plugin: its package\.json has no "rec": \{"plugin"/],
      [pkg('throws', 'rec-plugin-throws', 'throw new Error("kaput")'), /Plugin rec-plugin-throws could not be loaded from .*plugin\.js: kaput/],
      [pkg('missing-file', 'rec-plugin-unbuilt', '', './dist/plugin.js'), /Plugin rec-plugin-unbuilt could not be loaded from .*dist\/plugin\.js/],
      [pkg('future', 'rec-plugin-future', manifest('rec-plugin-future', 2)), /Plugin rec-plugin-future declares plugin apiVersion 2; this rec supports apiVersion 1/],
      [pkg('no-create', 'rec-plugin-nocreate', `module.exports = { meta: { name: 'n', version: '1.0.0', apiVersion: 1 }, indexers: { a: { summary: 's', config: {} } } };`), /rec-plugin-nocreate has an invalid manifest .*indexers:a has no create\(\); indexers:a has no zod config schema/],
      [join(tmp, 'nowhere'), /Plugin ".*nowhere" not found/],
    ];
    for (const [root, message] of cases) {
      let err: unknown;
      try {
        loadPluginPackage(root);
      } catch (e) {
        err = e;
      }
      expect(err, root).toMatchObject({ code: 'E_PLUGIN', message: expect.stringMatching(message) });
      expect((err as { hint?: string }).hint, root).toBeTruthy();
    }
    expect(() => loadPluginPackage('rec-plugin-not-installed', { from: tmp })).toThrow(/no node_modules\/rec-plugin-not-installed from/);
  });

  it("a plugin without node_modules gets the host's @ed2/core and zod; other missing modules still fail by name", () => {
    const root = pkg('no-deps', 'rec-plugin-nodeps', `const { z } = require('zod'); const { PLUGIN_API_VERSION } = require('@ed2/core');
      module.exports = { meta: { name: 'rec-plugin-nodeps', version: '1.0.0', apiVersion: PLUGIN_API_VERSION },
        metrics: { one: { summary: 'one', config: z.object({}).strict(), create: () => Object.assign(() => 1, { metricName: 'one' }) } } };`);
    expect(existsSync(join(tmp, 'node_modules', 'zod'))).toBe(false);
    expect(loadPluginPackage(root).manifest.meta.name).toBe('rec-plugin-nodeps');
    const other = pkg('other-dep', 'rec-plugin-other', `require('left-pad-surely-not-installed');`);
    expect(() => loadPluginPackage(other)).toThrow(/rec-plugin-other could not be loaded .*left-pad-surely-not-installed/);
  });

  it('a name already registered by another plugin is E_PLUGIN_DUPLICATE naming both, and registers nothing', () => {
    const registry = new PluginRegistry();
    loadPluginPackage(pkg('one', 'rec-plugin-one', manifest('rec-plugin-one', 1, 'same')), { registry });
    const twoRoot = pkg('two', 'rec-plugin-two', manifest('rec-plugin-two', 1, 'same'));
    expect(() => loadPluginPackage(twoRoot, { registry })).toThrow(expect.objectContaining({ code: 'E_PLUGIN_DUPLICATE', message: expect.stringContaining('"same" is registered by both "rec-plugin-one" and "rec-plugin-two"') }));
    expect(registry.pluginNames()).toEqual(['rec-plugin-one']);
  });
});
