import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// `rec config show` and `rec run` read ./rec.config.json: a per-dataset backbone, visible in both.
const BIN = resolve(__dirname, '../packages/cli/bin/run.js');
const WEIGHTS = resolve(__dirname, '../../shared/models/stories260K/stories260K.bin');
const TOKENIZER = resolve(__dirname, '../../shared/models/stories260K/tok512.bin');
for (const f of [WEIGHTS, TOKENIZER]) if (!existsSync(f)) throw new Error(`missing test model file ${f} (see ../shared/models/README.md)`);

const tmp = mkdtempSync(join(tmpdir(), 'rec-project-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * The project: random-init `stories260k` preset for synthetic data (`synth*`), the real stories260K weights for
 * `amazon-*`; ED² shrunk to a test in the general `models.ed2` section (3 steps, 40 users).
 */
const PROJECT = {
  'dataset-set': { numUsers: 40, numItems: 20, maxLength: 10 },
  models: {
    ed2: {
      set: {
        'indexer.levels': 2, 'indexer.codebookSize': 4, 'indexer.codeDim': 8, 'indexer.batchSize': 32, 'indexer.initSamples': 32,
        warmupEpochs: 2, stepsPerEpoch: 3, batchSize: 4, maxHistory: 4, checkpointEvery: 0, reindexEvery: 100, testTemplates: 'first',
      },
      epochs: 1,
      'valid-users': 8,
      beam: 5,
    },
  },
  datasets: {
    'amazon-*': { backbone: WEIGHTS, tokenizer: TOKENIZER },
    'synth*': { backbone: 'llama:stories260k' },
  },
};
const project = join(tmp, 'project');
mkdirSync(project);
writeFileSync(join(project, 'rec.config.json'), JSON.stringify(PROJECT, null, 2));

function rec(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd, timeout: 300_000, env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

type Shown = { sections: string[]; config: Record<string, any>; sources: Record<string, string> }; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON read in a test
const json = <T>(text: string) => JSON.parse(text) as T;

describe('rec.config.json (project configuration)', () => {
  it('rec config show: the backbone of the matching dataset section, and where every value comes from', () => {
    const text = rec(project, 'config', 'show');
    expect(text.code, text.err).toBe(0);
    expect(text.out).toContain('sections applied: rec.config.json:general, rec.config.json:general.models.ed2, rec.config.json:datasets.synth*');
    expect(text.out).toMatch(/modelConfig\.backbone\.options\.model\s+stories260k\s+rec\.config\.json:datasets\.synth\*\n/);
    expect(text.out).toMatch(/modelConfig\.backbone\.options\.finetune\s+auto\s+default\n/);
    expect(text.out).toMatch(/modelConfig\.stepsPerEpoch\s+3\s+rec\.config\.json:general\.models\.ed2\n/);

    const amazon = json<Shown>(rec(project, 'config', 'show', '--dataset', join(tmp, 'data', 'amazon-mini'), '--json').out);
    expect(amazon.sections).toEqual(['rec.config.json:general', 'rec.config.json:general.models.ed2', 'rec.config.json:datasets.amazon-*']);
    expect(amazon.config.modelConfig.backbone.options).toMatchObject({ weights: WEIGHTS, tokenizer: TOKENIZER });
    expect(amazon.sources['modelConfig.backbone.options.weights']).toBe('rec.config.json:datasets.amazon-*');
    expect(amazon.sources['modelConfig.backbone.options.tokenizer']).toBe('rec.config.json:datasets.amazon-*');
    expect(amazon.sources.dataset).toBe('flag --dataset');

    // an explicit flag wins, and --config-file finds the project from elsewhere
    const flagged = json<Shown>(rec(tmp, 'config', 'show', '--config-file', join(project, 'rec.config.json'), '--backbone', 'llama:mini', '--json').out);
    expect(flagged.config.modelConfig.backbone.options.model).toBe('mini');
    expect(flagged.sources['modelConfig.backbone.options.model']).toBe('flag --backbone');
    expect(flagged.sources['datasetConfig.numUsers']).toBe('rec.config.json:general');
  });

  it('rec run records the per-dataset backbone and every source in config.json; an identical --resume is accepted', () => {
    const run = rec(project, 'run', '--out', 'r1', '--json', '--no-progress');
    expect(run.code, run.err).toBe(0);
    const file = join(project, 'r1', 'config.json');
    const cfg = json<{ modelConfig: Record<string, any>; datasetConfig: Record<string, unknown>; sources: Record<string, string> }>(readFileSync(file, 'utf8')); // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON read in a test
    expect(cfg.modelConfig.backbone.options.model).toBe('stories260k');
    expect(cfg.modelConfig.stepsPerEpoch).toBe(3);
    expect(cfg.datasetConfig).toEqual({ numUsers: 40, numItems: 20, maxLength: 10 });
    expect(cfg.sources).toMatchObject({
      model: 'default',
      'modelConfig.backbone.options.model': 'rec.config.json:datasets.synth*',
      'modelConfig.backbone.options.finetune': 'default',
      'modelConfig.validUsers': 'rec.config.json:general.models.ed2',
      'datasetConfig.numUsers': 'rec.config.json:general',
    });
    const metrics = json<{ cases: number }>(readFileSync(join(project, 'r1', 'metrics.json'), 'utf8'));
    expect(metrics.cases).toBe(40);
    const before = readFileSync(file, 'utf8');
    const again = rec(project, 'run', '--resume', '--out', 'r1', '--json', '--no-progress');
    expect(again.err).not.toMatch(/error \[/);
    expect(again.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('a bad rec.config.json stops rec run with exit 2 naming the key and the fix, before any run folder', () => {
    const bad = join(tmp, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'rec.config.json'), JSON.stringify({ datasets: { 'synth*': { backbon: 'llama:mini' } } }));
    const r = rec(bad, 'run', '--out', 'r', '--no-progress');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/error \[E_CONFIG\]: .*rec\.config\.json: datasets\.synth\*: unknown key "backbon" \(did you mean "backbone"/);
    expect(r.err).toMatch(/fix: /);
    expect(existsSync(join(bad, 'r'))).toBe(false);
  });
});
