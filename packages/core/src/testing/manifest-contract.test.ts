import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { definePlugin, PLUGIN_API_VERSION, type PluginManifest } from '../plugin/plugin-manifest';
import { factoryProblems, manifestContract, manifestMetaProblems } from './manifest-contract';

const good: PluginManifest = {
  meta: { name: '@ed2/example', version: '0.1.0', apiVersion: PLUGIN_API_VERSION },
  recommenders: {
    pop: definePlugin({
      summary: 'Most popular items',
      config: z.object({ topK: z.number().int().positive().default(10).describe('items kept') }).strict(),
      create: (_scope, config) => ({ name: 'pop', k: config.topK }),
    }),
  },
  datasets: {
    folder: definePlugin({
      summary: 'A dataset folder',
      config: z.object({ path: z.string().describe('folder') }).strict(),
      create: () => ({}),
    }),
  },
};

manifestContract(good, { minimalConfig: { 'datasets:folder': { path: '/tmp/x' } } });

describe('manifest contract checks', () => {
  it('report bad meta and unknown kinds', () => {
    const bad = { meta: { name: '', version: 'one', apiVersion: 99 }, recommender: {} } as unknown as PluginManifest;
    const problems = manifestMetaProblems(bad).join('\n');
    expect(problems).toMatch(/meta\.name/);
    expect(problems).toMatch(/semver/);
    expect(problems).toMatch(new RegExp(`apiVersion must be ${PLUGIN_API_VERSION}`));
    expect(problems).toMatch(/unknown manifest key "recommender"/);
  });

  it('report a missing summary, a non-strict schema and required fields without defaults', () => {
    const loose = definePlugin({ summary: '', config: z.object({ a: z.number().default(1) }), create: () => 1 });
    const problems = factoryProblems('tasks:loose', loose).join('\n');
    expect(problems).toMatch(/summary/);
    expect(problems).toMatch(/unknown key .*\.strict\(\)/);
    const required = definePlugin({ summary: 's', config: z.object({ path: z.string() }).strict(), create: () => 1 });
    expect(factoryProblems('datasets:x', required).join('\n')).toMatch(/config rejects \{\}/);
    expect(factoryProblems('datasets:x', required, { path: 'p' })).toEqual([]);
  });
});
