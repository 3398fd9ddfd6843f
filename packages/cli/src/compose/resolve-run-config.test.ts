import { describe, expect, it } from 'vitest';
import { attributeSources } from './config-sources';
import type { LoadedProjectConfig } from './load-project-config';
import type { ProjectConfig } from './project-config';
import { resolveRunConfig, type ResolveRunInput } from './resolve-run-config';
import type { RunConfig } from './run-experiment';

/** The defaults of `rec run`'s flags (as oclif fills them in). */
const DEFAULTS = { model: 'ed2', dataset: 'synthetic', seed: 42, ks: '1,5,10', 'exclude-seen': false, 'eval-batch': 512, backend: 'auto', resume: false };

/** `rec run` with `given` flags on the command line, the rest defaulted. */
function input(given: Record<string, unknown>, project?: ProjectConfig, extra: Partial<ResolveRunInput> = {}): ResolveRunInput {
  const loaded: LoadedProjectConfig | undefined = project && { file: 'rec.config.json', label: 'rec.config.json', config: project };
  return { flags: { ...DEFAULTS, ...given }, given: (f) => f in given, ...(loaded ? { project: loaded } : {}), ...extra };
}

const P = 'rec.config.json:';

describe('resolveRunConfig', () => {
  it('without a project file: the flag defaults, no sources but the flags given', () => {
    const r = resolveRunConfig(input({ epochs: 2 }));
    expect(r).toMatchObject({ model: 'ed2', dataset: 'synthetic', seed: 42, ks: [1, 5, 10], excludeSeen: false, evalBatchSize: 512, backend: 'auto', sections: [], notes: [] });
    expect(r.modelConfig).toEqual({ epochs: 2 });
    expect(r.sources).toEqual({ 'modelConfig.epochs': 'flag --epochs' });
  });

  it('general < matching dataset sections, least specific glob first and the exact name last, whatever the file order', () => {
    const project: ProjectConfig = {
      epochs: 3,
      seed: 1,
      backbone: 'llama:mini',
      datasets: {
        'amazon-instruments': { set: { 'backbone.lora.rank': 4 }, 'eval-batch': 64 },
        'amazon-i*': { seed: 9 },
        '*': { seed: 7, ks: [1, 20] },
        'amazon-*': { backbone: 'llama:tiny', epochs: 5, seed: 8 },
        'ml-*': { epochs: 50 },
      },
    };
    const r = resolveRunConfig(input({ dataset: '../shared/datasets/amazon-instruments' }, project));
    expect(r.sections).toEqual([`${P}general`, `${P}datasets.*`, `${P}datasets.amazon-*`, `${P}datasets.amazon-i*`, `${P}datasets.amazon-instruments`]);
    expect(r.seed).toBe(9); // amazon-i* (8 literal characters) after amazon-* (7) after * (0)
    expect(r.ks).toEqual([1, 20]);
    expect(r.evalBatchSize).toBe(64);
    expect(r.modelConfig).toEqual({ epochs: 5, backbone: { name: 'llama', options: { model: 'tiny', lora: { rank: 4 } } } });
    expect(r.sources).toEqual({
      dataset: 'flag --dataset',
      seed: `${P}datasets.amazon-i*`,
      'eval.ks': `${P}datasets.*`,
      evalBatchSize: `${P}datasets.amazon-instruments`,
      'modelConfig.epochs': `${P}datasets.amazon-*`,
      'modelConfig.backbone.name': `${P}datasets.amazon-*`,
      'modelConfig.backbone.options.model': `${P}datasets.amazon-*`,
      'modelConfig.backbone.options.lora.rank': `${P}datasets.amazon-instruments`,
    });
    // another dataset gets only the general section and the catch-all
    const other = resolveRunConfig(input({}, project));
    expect(other.sections).toEqual([`${P}general`, `${P}datasets.*`]);
    expect(other.modelConfig).toEqual({ epochs: 3, backbone: { name: 'llama', options: { model: 'mini' } } });
  });

  it('explicit flags beat every section; --config sits between the project file and --set', () => {
    const project: ProjectConfig = { datasets: { synthetic: { backbone: 'llama:tiny', seed: 3, epochs: 5, set: { beams: 4, batchSize: 8 }, 'dataset-set': { numUsers: 50, numItems: 30 } } } };
    const r = resolveRunConfig(input({ backbone: 'llama:stories260k', seed: 11, set: ['beams=6'], 'dataset-set': ['numItems=20'] }, project, { configFile: { path: 'c.json', model: { batchSize: 16, learningRate: 0.01 } } }));
    expect(r.seed).toBe(11);
    expect(r.modelConfig).toEqual({ backbone: { name: 'llama', options: { model: 'stories260k' } }, epochs: 5, beams: 6, batchSize: 16, learningRate: 0.01 });
    expect(r.datasetConfig).toEqual({ numUsers: 50, numItems: 20 });
    expect(r.sources).toMatchObject({
      seed: 'flag --seed',
      'modelConfig.backbone.options.model': 'flag --backbone',
      'modelConfig.epochs': `${P}datasets.synthetic`,
      'modelConfig.beams': 'flag --set',
      'modelConfig.batchSize': 'flag --config c.json',
      'datasetConfig.numUsers': `${P}datasets.synthetic`,
      'datasetConfig.numItems': 'flag --dataset-set',
    });
  });

  it('a backbone chosen later replaces the weights and tokenizer of an earlier section', () => {
    const project: ProjectConfig = { backbone: 'w/stories.bin', tokenizer: 'w/tok.bin', datasets: { 'synth*': { backbone: 'llama:mini' } } };
    const r = resolveRunConfig(input({}, project));
    expect(r.modelConfig).toEqual({ backbone: { name: 'llama', options: { model: 'mini' } } });
    const elsewhere = resolveRunConfig(input({ dataset: 'ml-100k' }, project));
    expect(elsewhere.modelConfig).toEqual({ backbone: { name: 'llama', options: { weights: 'w/stories.bin', tokenizer: 'w/tok.bin' } } });
    const flagged = resolveRunConfig(input({ dataset: 'ml-100k', backbone: 'llama:tiny' }, project));
    expect(flagged.modelConfig).toEqual({ backbone: { name: 'llama', options: { model: 'tiny' } } });
  });

  it('per-model sections apply only to their model; generative keys are skipped (with a note) for an id-based one', () => {
    const project: ProjectConfig = {
      backbone: 'llama:mini',
      models: { sasrec: { set: { dim: 64 }, epochs: 20 }, ed2: { 'valid-users': 50 } },
      datasets: { 'ml-*': { model: 'sasrec', models: { sasrec: { epochs: 7, loss: 'bce' } } } },
    };
    const r = resolveRunConfig(input({ dataset: 'ml-100k' }, project));
    expect(r.model).toBe('sasrec');
    expect(r.sources.model).toBe(`${P}datasets.ml-*`);
    expect(r.sections).toEqual([`${P}general`, `${P}general.models.sasrec`, `${P}datasets.ml-*`, `${P}datasets.ml-*.models.sasrec`]);
    expect(r.modelConfig).toEqual({ dim: 64, epochs: 7, loss: 'bce' });
    expect(r.notes).toEqual([`${P}general sets backbone: generative-model keys, not used by sasrec`]);
    const ed2 = resolveRunConfig(input({ dataset: 'ml-100k', model: 'ed2' }, project));
    expect(ed2.modelConfig).toEqual({ backbone: { name: 'llama', options: { model: 'mini' } }, validUsers: 50 });
    expect(ed2.sources['modelConfig.validUsers']).toBe(`${P}general.models.ed2`);
  });

  it('a generative flag with an id-based model is still refused', () => {
    expect(() => resolveRunConfig(input({ model: 'sasrec', backbone: 'llama:mini' }))).toThrow(/--backbone configures a generative model, not sasrec/);
  });

  it('--resume: the stored run replaces the project file and keeps its sources; flags still override', () => {
    const stored: RunConfig = {
      model: 'gru4rec',
      modelConfig: { dim: 8, epochs: 1 },
      dataset: 'synthetic',
      datasetConfig: { numUsers: 60 },
      seed: 3,
      eval: { ks: [1, 10], excludeSeen: true },
      sources: { seed: 'flag --seed', 'modelConfig.dim': `${P}models.gru4rec`, 'modelConfig.epochs': 'default', 'datasetConfig.numUsers': 'flag --dataset-set' },
    };
    const project: ProjectConfig = { seed: 99, models: { gru4rec: { set: { dim: 64 } } } };
    const r = resolveRunConfig(input({ resume: true, out: 'runs/x', epochs: 2 }, project, { stored }));
    expect(r).toMatchObject({ model: 'gru4rec', seed: 3, ks: [1, 10], excludeSeen: true, sections: [] });
    expect(r.modelConfig).toEqual({ dim: 8, epochs: 2 });
    expect(r.datasetConfig).toEqual({ numUsers: 60 });
    expect(r.notes[0]).toMatch(/not applied on --resume/);
    expect(r.sources).toMatchObject({ model: 'stored run', seed: 'flag --seed', 'modelConfig.dim': `${P}models.gru4rec`, 'modelConfig.epochs': 'flag --epochs', 'datasetConfig.numUsers': 'flag --dataset-set' });
  });
});

describe('attributeSources', () => {
  it('a leaf takes its own source, else its nearest ancestor set whole, else "default"', () => {
    const config = { model: 'ed2', modelConfig: { backbone: { name: 'llama', options: { model: { dim: 32, nLayers: 1 }, finetune: 'auto' } }, epochs: 4 } };
    expect(attributeSources(config, { 'modelConfig.backbone.options.model': 'flag --set', 'modelConfig.epochs': 'flag --epochs' })).toEqual({
      model: 'default',
      'modelConfig.backbone.name': 'default',
      'modelConfig.backbone.options.model.dim': 'flag --set',
      'modelConfig.backbone.options.model.nLayers': 'flag --set',
      'modelConfig.backbone.options.finetune': 'default',
      'modelConfig.epochs': 'flag --epochs',
    });
  });
});
