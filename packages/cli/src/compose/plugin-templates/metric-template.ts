import type { KindTemplate } from './kind-template';

/** `--kind metric`: precision@K with one relevant item. */
export const metricTemplate: KindTemplate = {
  peers: () => ({}),
  files: (n) => ({
    'src/config.ts': `import { z } from 'zod';

/** Options of metrics:${n.component}. */
export const ${n.camel}Config = z.object({ k: z.number().int().positive().default(10).describe('Cutoff K.') }).strict();
export type ${n.className}Config = z.output<typeof ${n.camel}Config>;
`,
    [`src/${n.fileStem}.ts`]: `import type { RankMetric } from '@ed2/core';
import type { ${n.className}Config } from './config';

/** Precision@K with one relevant item: 1/K when the target ranks within the top K (1-based rank), else 0. */
export function ${n.camel}Metric(config: ${n.className}Config): RankMetric {
  return Object.assign((rank: number) => (rank >= 1 && rank <= config.k ? 1 / config.k : 0), { metricName: \`${n.component}@\${config.k}\` });
}
`,
    'src/plugin.ts': `import { PLUGIN_API_VERSION, definePlugin, type PluginManifest } from '@ed2/core';
import { ${n.camel}Config } from './config';
import { ${n.camel}Metric } from './${n.fileStem}';

const manifest: PluginManifest = {
  meta: { name: '${n.packageName}', version: '0.1.0', apiVersion: PLUGIN_API_VERSION },
  metrics: {
    '${n.component}': definePlugin({
      summary: 'Precision@K with one relevant item: 1/K if the target ranks within the top K.',
      config: ${n.camel}Config,
      create: (_scope, config) => ${n.camel}Metric(config),
    }),
  },
};
export default manifest;
`,
    [`src/${n.fileStem}.test.ts`]: `import { container } from 'tsyringe';
import { PluginRegistry, productProblems } from '@ed2/core';
import { manifestContract } from '@ed2/core/testing';
import { describe, expect, it } from 'vitest';
import manifest from './plugin';

manifestContract(manifest);

describe('${n.component}', () => {
  it('is a RankMetric: 1/K within the top K, 0 beyond (hand values for K = 4)', async () => {
    const registry = new PluginRegistry();
    registry.register(manifest);
    const metric = await registry.create('metrics', '${n.component}', container.createChildContainer(), { k: 4 });
    expect(productProblems('metrics', metric)).toEqual([]);
    expect(metric.metricName).toBe('${n.component}@4');
    expect([1, 4, 5, 100].map(metric)).toEqual([0.25, 0.25, 0, 0]);
  });
});
`,
  }),
};
