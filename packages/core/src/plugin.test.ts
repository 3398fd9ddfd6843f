import { describe, expect, it } from 'vitest';
import { container } from 'tsyringe';
import { PluginRegistry } from './plugin/plugin-registry';
import { manifestContract } from './testing/manifest-contract';
import manifest from './plugin';

manifestContract(manifest, { minimalConfig: { 'datasets:amazon-lcrec': { path: '/tmp/x' }, 'datasets:recbole': { path: '/tmp/x' } } });

describe('@ed2/core plugin', () => {
  it('registers synthetic, amazon-lcrec and recbole; the file formats have detect()', async () => {
    const registry = new PluginRegistry();
    registry.register(manifest);
    expect(registry.names('datasets')).toEqual(['amazon-lcrec', 'recbole', 'synthetic']);
    for (const name of ['amazon-lcrec', 'recbole']) expect(typeof (registry.get('datasets', name).factory as { detect?: unknown }).detect).toBe('function');
    const loader = await registry.create('datasets', 'synthetic', container.createChildContainer(), { numUsers: 10, numItems: 12 });
    expect((await loader.load()).users.length).toBe(10);
  });
});
