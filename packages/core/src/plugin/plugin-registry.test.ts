import { dirname, resolve } from 'node:path';
import { container } from 'tsyringe';
import ts from 'typescript';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { Backbone } from '../domain/backbone';
import type { DatasetLoader } from '../domain/dataset-loader';
import type { Indexer } from '../domain/indexer';
import type { InstructionTask } from '../domain/instruction-task';
import type { RankMetric } from '../domain/rank-metric';
import type { TrainableRecommender } from '../domain/trainable-recommender';
import { RecError } from '../errors/rec-error';
import { definePlugin, PLUGIN_API_VERSION, type PluginManifest } from './plugin-manifest';
import { PluginRegistry } from './plugin-registry';

const here = __filename;
const empty = z.object({}).strict();

/** A plugin whose recommender `bad` builds an object without fit() and whose metric `half` is a real metric. */
const manifest: PluginManifest = {
  meta: { name: 'rec-plugin-typed', version: '1.0.0', apiVersion: PLUGIN_API_VERSION },
  recommenders: {
    bad: definePlugin({ summary: 'no fit', config: empty, create: () => ({ name: 'bad', score: () => undefined, dispose: () => undefined }) }),
  },
  metrics: {
    half: definePlugin({ summary: 'rank ≤ 2 → 0.5', config: empty, create: () => Object.assign((rank: number) => (rank <= 2 ? 0.5 : 0), { metricName: 'half' }) }),
    nameless: definePlugin({ summary: 'no metricName', config: empty, create: () => (rank: number) => rank }),
  },
  datasets: {
    none: definePlugin({ summary: 'returns null', config: empty, create: () => null }),
  },
};

// Compile-time checks (checked by tsc in the last test below): create() resolves to the kind's type.
function typedCreate(registry: PluginRegistry): void {
  const scope = container.createChildContainer();
  expectTypeOf(registry.create('backbones', 'llama', scope)).resolves.toEqualTypeOf<Backbone>();
  expectTypeOf(registry.create('indexers', 'hvqae', scope)).resolves.toEqualTypeOf<Indexer>();
  expectTypeOf(registry.create('tasks', 'sequential', scope)).resolves.toEqualTypeOf<InstructionTask>();
  expectTypeOf(registry.create('recommenders', 'sasrec', scope)).resolves.toEqualTypeOf<TrainableRecommender>();
  expectTypeOf(registry.create('datasets', 'synthetic', scope)).resolves.toEqualTypeOf<DatasetLoader>();
  expectTypeOf(registry.create('metrics', 'hr', scope)).resolves.toEqualTypeOf<RankMetric>();
  // @ts-expect-error -- the old unchecked form: a type argument is a kind now, not the product type
  void registry.create<Backbone>('backbones', 'llama', scope);
  // @ts-expect-error -- an indexer is not a backbone
  expectTypeOf(registry.create('indexers', 'hvqae', scope)).resolves.toEqualTypeOf<Backbone>();
  // @ts-expect-error -- not a kind
  void registry.create('models', 'x', scope);
}

describe('PluginRegistry.create typed by kind', () => {
  const registry = new PluginRegistry();
  registry.register(manifest);
  const scope = container.createChildContainer();

  it('refuses a product without the kind\'s required methods: E_PLUGIN naming the plugin, the component and what is missing', async () => {
    const err = await registry.create('recommenders', 'bad', scope).catch((e: unknown) => e);
    expect(RecError.is(err, 'E_PLUGIN')).toBe(true);
    expect((err as RecError).message).toMatch(/Plugin "rec-plugin-typed": recommender "bad" has no fit\(\), parameterCount\(\) — a recommenders factory must build a TrainableRecommender/);
    expect((err as RecError).hint).toMatch(/rec plugins uninstall rec-plugin-typed/);
    await expect(registry.create('datasets', 'none', scope)).rejects.toThrow(/dataset "none" is null, not an object/);
    await expect(registry.create('metrics', 'nameless', scope)).rejects.toThrow(/metric "nameless" has no metricName/);
  });

  it('passes a product with the required methods through unchanged', async () => {
    const half = await registry.create('metrics', 'half', scope);
    expect(half.metricName).toBe('half');
    expect([half(1), half(2), half(3)]).toEqual([0.5, 0.5, 0]);
  });

  it('an incompatible apiVersion is an E_PLUGIN naming the plugin', () => {
    const r = new PluginRegistry();
    expect(() => r.register({ meta: { name: 'rec-plugin-future', version: '2.0.0', apiVersion: PLUGIN_API_VERSION + 1 } })).toThrow(
      expect.objectContaining({ code: 'E_PLUGIN', message: expect.stringContaining('"rec-plugin-future" targets plugin API 2') }),
    );
  });

  it('the compile-time checks above hold (this file type-checks under the project options, @ts-expect-error lines included)', () => {
    expect(typeof typedCreate).toBe('function');
    const base = resolve(dirname(here), '../../../../tsconfig.base.json');
    const read = ts.readConfigFile(base, (p) => ts.sys.readFile(p));
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(base));
    const program = ts.createProgram([here], { ...parsed.options, noEmit: true, composite: false, declaration: false, declarationMap: false, incremental: false });
    const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file && resolve(d.file.fileName) === resolve(here));
    expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
    // and the program really saw this file (not an empty program that trivially passes)
    expect(program.getSourceFile(here)?.text).toContain('typedCreate');
  }, 60_000);
});
