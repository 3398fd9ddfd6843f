import type { KindTemplate } from './kind-template';

/** `--kind recommender`: smoothed popularity, a complete TrainableRecommender (fit, score, dispose). */
export const recommenderTemplate: KindTemplate = {
  peers: () => ({}),
  files: (n) => ({
    'src/config.ts': `import { z } from 'zod';

/** Options of recommenders:${n.component}. */
export const ${n.camel}Config = z
  .object({
    smoothing: z.number().min(0).default(1).describe('Added to every item count (Laplace smoothing).'),
  })
  .strict();
export type ${n.className}Config = z.output<typeof ${n.camel}Config>;
`,
    [`src/${n.fileStem}.ts`]: `import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs-core';
import { RecError, type EvalCase, type TrainContext, type TrainReport, type TrainableRecommender } from '@ed2/core';
import type { ${n.className}Config } from './config';

/**
 * Popularity: every user gets the items ranked by (training count + smoothing). \`fit\` counts, \`score\` returns
 * [batch, numItems] (the caller disposes it). Replace both with your model; keep fit's TrainReport honest.
 */
export class ${n.className} implements TrainableRecommender {
  readonly name = '${n.component}';
  private counts: Float32Array | undefined;

  constructor(private readonly config: ${n.className}Config) {}

  async fit(ctx: TrainContext): Promise<TrainReport> {
    const t0 = performance.now();
    const counts = new Float32Array(ctx.split.numItems).fill(this.config.smoothing);
    for (const seq of ctx.split.train) for (const item of seq) counts[item]++;
    this.counts = counts;
    const valid = await ctx.validate(this);
    const seconds = (performance.now() - t0) / 1000;
    return { epochs: 1, bestEpoch: 1, bestValid: valid, seconds, history: [{ epoch: 1, loss: 0, valid, seconds }] };
  }

  score(cases: readonly EvalCase[]): tf.Tensor2D {
    const counts = this.counts;
    if (!counts) throw new RecError('E_CONFIG', '${n.component}: score() before fit()', { hint: 'Call fit(ctx) first.' });
    return tf.tidy(() => tf.tile(tf.tensor2d(counts, [1, counts.length]), [cases.length, 1]));
  }

  parameterCount(): number {
    return this.counts?.length ?? 0;
  }

  dispose(): void {
    this.counts = undefined;
  }
}
`,
    'src/plugin.ts': `import { PLUGIN_API_VERSION, definePlugin, type PluginManifest } from '@ed2/core';
import { ${n.camel}Config } from './config';
import { ${n.className} } from './${n.fileStem}';

const manifest: PluginManifest = {
  meta: { name: '${n.packageName}', version: '0.1.0', apiVersion: PLUGIN_API_VERSION },
  recommenders: {
    '${n.component}': definePlugin({
      summary: 'Smoothed popularity of the training items.',
      config: ${n.camel}Config,
      create: (_scope, config) => new ${n.className}(config),
    }),
  },
};
export default manifest;
`,
    [`src/${n.fileStem}.test.ts`]: `import { manifestContract, recommenderContract, tinyTrainContext } from '@ed2/core/testing';
import { describe, expect, it } from 'vitest';
import { ${n.camel}Config } from './config';
import { ${n.className} } from './${n.fileStem}';
import manifest from './plugin';

manifestContract(manifest);
recommenderContract('${n.component}', async () => ({ model: new ${n.className}(${n.camel}Config.parse({})), ctx: tinyTrainContext({ seed: 1 }) }));

describe('${n.component}', () => {
  it('scores each item by its training count plus the smoothing (counted here)', async () => {
    const ctx = tinyTrainContext({ seed: 2 });
    const model = new ${n.className}(${n.camel}Config.parse({ smoothing: 0.5 }));
    await model.fit(ctx);
    const expected = new Array<number>(ctx.split.numItems).fill(0.5);
    for (const seq of ctx.split.train) for (const i of seq) expected[i] += 1;
    const s = model.score(ctx.split.test.slice(0, 2));
    const rows = s.arraySync();
    s.dispose();
    for (const row of rows) row.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    model.dispose();
  });
});
`,
  }),
};
