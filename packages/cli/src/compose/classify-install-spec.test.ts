import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classifyInstallSpec } from './classify-install-spec';
import { templateNames } from './plugin-templates/template-names';

const tmp = mkdtempSync(join(tmpdir(), 'rec-classify-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
mkdirSync(join(tmp, 'plugins', 'rec-plugin-a'), { recursive: true });
writeFileSync(join(tmp, 'plugin.tgz'), '');

describe('classifyInstallSpec', () => {
  it('a folder on disk is a folder in every spelling; a plain owner/repo never becomes a GitHub address', () => {
    const root = join(tmp, 'plugins', 'rec-plugin-a');
    for (const spec of ['./plugins/rec-plugin-a', 'plugins/rec-plugin-a', root, 'file:plugins/rec-plugin-a', `file://${root}`]) expect(classifyInstallSpec(spec, tmp)).toEqual({ kind: 'folder', root });
    expect(() => classifyInstallSpec('someone/rec-plugin-x', tmp)).toThrow(/not read owner\/repo as a GitHub address/);
    expect(() => classifyInstallSpec('./missing', tmp)).toThrow(/No plugin at .*missing/);
  });

  it('package names, scoped names, git forms and tarballs go to npm', () => {
    for (const spec of ['rec-plugin-x', 'rec-plugin-x@1.2.0', '@acme/rec-plugin-x', 'github:someone/rec-plugin-x', 'https://github.com/someone/rec-plugin-x']) expect(classifyInstallSpec(spec, tmp)).toEqual({ kind: 'npm', spec });
    expect(classifyInstallSpec('./plugin.tgz', tmp)).toEqual({ kind: 'npm', spec: `file:${join(tmp, 'plugin.tgz')}` });
  });
});

describe('templateNames', () => {
  it('derives the component, class and file names from the package name', () => {
    expect(templateNames('@acme/rec-plugin-item-pop', 'recommender')).toEqual({ packageName: '@acme/rec-plugin-item-pop', component: 'item-pop', camel: 'itemPop', className: 'ItemPopRecommender', fileStem: 'item-pop-recommender', kind: 'recommender' });
    expect(() => templateNames('Bad Name', 'task')).toThrow(/not a valid npm package name/);
    expect(() => templateNames('rec-plugin-9lives', 'task')).toThrow(/cannot derive a component name from "rec-plugin-9lives"/);
  });
});
