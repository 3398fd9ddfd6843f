import { readFileSync } from 'node:fs';
import { Flags } from '@oclif/core';
import { BACKEND_NAMES, RecError, handleInterrupts, type BackendName } from '@ed2/core';
import { BaseCommand } from '../base-command';
import { runExperiment } from '../compose/run-experiment';
import { parseAssignments } from '../compose/parse-assignments';
import { readRunConfig } from '../compose/read-run-config';

export default class Run extends BaseCommand {
  static override summary = 'Train a recommender, evaluate it on the test split and write a run folder.';
  static override description = [
    'Loads the dataset (a registered name such as `synthetic`, or a path to a dataset folder), splits it',
    'chronologically leave-one-out, trains the model with early stopping on validation NDCG@10, evaluates on',
    'the test split with full ranking over all items and writes runs/<id>/{config.json, metrics.json,',
    'report.md, test-per-user.json, checkpoint/}. Ctrl-C stops after the current step; --resume continues.',
  ].join('\n');
  static override examples = [
    '<%= config.bin %> run --model sasrec',
    '<%= config.bin %> run --model sasrec --loss bce --dataset ../shared/datasets/amazon-instruments',
    '<%= config.bin %> run --model gru4rec --dataset ../shared/datasets/ml-100k --epochs 50 --set dim=128',
    '<%= config.bin %> run --out runs/exp1 --resume',
  ];

  static override flags = {
    model: Flags.string({ char: 'm', description: 'Recommender to train (see `rec components`).', default: 'sasrec' }),
    dataset: Flags.string({ char: 'd', description: 'Dataset name (`synthetic`) or path to a dataset folder/file.', default: 'synthetic' }),
    backend: Flags.string({ description: 'Tensor backend (auto = tensorflow → wasm → cpu).', options: [...BACKEND_NAMES], default: 'auto', env: 'REC_BACKEND' }),
    seed: Flags.integer({ description: 'Seed for data generation, initialisation, sampling.', default: 42 }),
    epochs: Flags.integer({ description: 'Maximum training epochs (model option `epochs`).' }),
    loss: Flags.string({ description: 'Training loss where the model supports it (sasrec: ce | bce).', options: ['ce', 'bce'] }),
    out: Flags.string({ char: 'o', description: 'Run folder (default runs/<date>-<model>).' }),
    resume: Flags.boolean({ description: 'Continue the run in --out from its last checkpoint, with its stored model, dataset, seed and options (flags given here override them; only epochs/patience may differ).', default: false }),
    config: Flags.string({ char: 'c', description: 'JSON file: {"model": {...options}, "dataset": {...options}}.' }),
    set: Flags.string({ char: 's', description: 'Model option as key=value (repeatable), e.g. --set dim=128.', multiple: true }),
    'dataset-set': Flags.string({ description: 'Dataset option as key=value (repeatable), e.g. --dataset-set numUsers=500.', multiple: true }),
    ks: Flags.string({ description: 'Cut-offs for HR@K / NDCG@K, comma-separated.', default: '1,5,10' }),
    'exclude-seen': Flags.boolean({ description: "Mask the user's history items when ranking (default: not masked, as in the paper).", default: false }),
    'eval-batch': Flags.integer({ description: 'Users per evaluation batch.', default: 512 }),
    json: Flags.boolean({ description: 'Print the test metrics as JSON instead of a table.', default: false }),
  };

  async run(): Promise<void> {
    const { flags, metadata } = await this.parse(Run);
    if (flags.resume && !flags.out) {
      throw new RecError('E_CONFIG', '--resume needs --out <run folder> (the run to continue)', { hint: 'e.g. rec run --out runs/exp1 --resume' });
    }
    // --resume starts from the stored experiment; flags given on the command line override it
    const stored = flags.resume ? readRunConfig(flags.out!) : undefined;
    const given = (name: string) => (metadata.flags as Record<string, { setFromDefault?: boolean } | undefined>)[name]?.setFromDefault !== true && (flags as Record<string, unknown>)[name] !== undefined;
    const file = flags.config ? readConfigFile(flags.config) : {};
    const modelConfig: Record<string, unknown> = { ...(stored?.modelConfig ?? {}), ...(file.model ?? {}), ...parseAssignments(flags.set ?? [], '--set') };
    if (flags.epochs !== undefined) modelConfig.epochs = flags.epochs;
    if (flags.loss !== undefined) modelConfig.loss = flags.loss;
    const datasetConfig = { ...(stored?.datasetConfig ?? {}), ...(file.dataset ?? {}), ...parseAssignments(flags['dataset-set'] ?? [], '--dataset-set') };
    const ks = stored && !given('ks') ? [...stored.eval.ks] : flags.ks.split(',').map((s) => Number(s.trim()));
    if (ks.some((k) => !Number.isInteger(k) || k < 1)) {
      throw new RecError('E_CONFIG', `--ks "${flags.ks}" must be positive integers separated by commas`, { hint: 'e.g. --ks 1,5,10,20' });
    }
    this.startRendering(flags);
    const controller = new AbortController();
    const off = handleInterrupts(controller, { events: this.events });
    try {
      const r = await runExperiment({
        model: stored && !given('model') ? stored.model : flags.model,
        modelConfig,
        dataset: stored && !given('dataset') ? stored.dataset : flags.dataset,
        datasetConfig,
        seed: stored && !given('seed') ? stored.seed : flags.seed,
        backend: flags.backend as BackendName,
        out: flags.out,
        resume: flags.resume,
        ks,
        excludeSeen: stored && !given('exclude-seen') ? stored.eval.excludeSeen : flags['exclude-seen'],
        evalBatchSize: flags['eval-batch'],
        registry: this.registry(),
        events: this.events,
        signal: controller.signal,
        argv: this.argv,
      });
      if (flags.json) this.log(JSON.stringify({ dir: r.dir, backend: r.backend, test: r.test.metrics }, null, 2));
      else this.log(`\n${r.markdown}\n\nrun folder: ${r.dir}`);
    } finally {
      off();
    }
  }
}

function readConfigFile(path: string): { model?: Record<string, unknown>; dataset?: Record<string, unknown> } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new RecError('E_CONFIG', `--config ${path} cannot be read: ${(e as Error).message}`, { hint: 'Check the path.', cause: e });
  }
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('top level is not an object');
    const extra = Object.keys(v).filter((k) => k !== 'model' && k !== 'dataset');
    if (extra.length) throw new Error(`unknown key(s) ${extra.join(', ')}; allowed: model, dataset`);
    return v as { model?: Record<string, unknown>; dataset?: Record<string, unknown> };
  } catch (e) {
    throw new RecError('E_CONFIG', `--config ${path}: ${(e as Error).message}`, { hint: 'Expected JSON like {"model": {"dim": 128}, "dataset": {"kCore": 5}}.', cause: e });
  }
}
