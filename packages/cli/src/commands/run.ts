import { readFileSync } from 'node:fs';
import { Flags } from '@oclif/core';
import { BACKEND_NAMES, RecError, handleInterrupts, type BackendName } from '@ed2/core';
import { BaseCommand } from '../base-command';
import { runExperiment } from '../compose/run-experiment';
import { parseAssignments } from '../compose/parse-assignments';
import { readRunConfig } from '../compose/read-run-config';
import { anyGenerativeFlag, applyGenerativeFlags, setDotted, type GenerativeFlags } from '../compose/generative-flags';

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
    model: Flags.string({ char: 'm', description: 'Recommender to train (see `rec components`): ed2 (default), lc-rec, sasrec, gru4rec, …', default: 'ed2' }),
    indexer: Flags.string({ description: 'Generative models: indexer of both branches (hvqae | rqvae | lsh | static | a plugin).' }),
    tasks: Flags.string({ description: "Generative models: instruction tasks, 'all' or a comma list." }),
    backbone: Flags.string({ description: 'Generative models: llama:<preset> (tiny, mini, stories260k, llama2-7b) or a weights path (.bin, .gguf, safetensors).' }),
    tokenizer: Flags.string({ description: 'Tokenizer of --backbone weights (tokenizer.model, tokenizer.json, tokenizer.bin).' }),
    finetune: Flags.string({ description: 'lora | full | auto (full for a random init, lora for weights).', options: ['auto', 'lora', 'full'] }),
    'lora-rank': Flags.integer({ description: 'LoRA rank (finetune lora).' }),
    'index-length': Flags.integer({ description: 'Index length M (codes per entity).' }),
    'codebook-size': Flags.integer({ description: 'Codewords per level N.' }),
    beta1: Flags.string({ description: 'Weight of the index-level m-GTR loss L_ID.' }),
    beta2: Flags.string({ description: 'Weight of the token-level m-GTR loss L_Token.' }),
    beam: Flags.integer({ description: 'Beam width of the constrained beam search.' }),
    'valid-users': Flags.integer({ description: 'Users in the seeded validation subsample.' }),
    'reindex-every': Flags.integer({ description: 'Steps between dynamic re-indexings.' }),
    'item-features': Flags.string({ description: 'Item features instead of text: run:<SASRec run dir>, or a .safetensors/.npy file.' }),
    'no-user': Flags.boolean({ description: 'Ablation w/o user: item indices only.' }),
    static: Flags.boolean({ description: 'Ablation w/o dynamic: indices computed once and frozen.' }),
    'no-mgtr': Flags.boolean({ description: 'Ablation w/o m-GTR.' }),
    'no-exploit': Flags.boolean({ description: 'Ablation w/o exploit: no high-order tasks (sequential + item↔index only).' }),
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
    const modelConfig: Record<string, unknown> = { ...(stored?.modelConfig ?? {}), ...(file.model ?? {}) };
    for (const [k, v] of Object.entries(parseAssignments(flags.set ?? [], '--set'))) setDotted(modelConfig, k, v);
    const gen: GenerativeFlags = {
      indexer: flags.indexer, tasks: flags.tasks, backbone: flags.backbone, tokenizer: flags.tokenizer, finetune: flags.finetune,
      'lora-rank': flags['lora-rank'], 'index-length': flags['index-length'], 'codebook-size': flags['codebook-size'],
      beta1: flags.beta1 === undefined ? undefined : numberFlag('--beta1', flags.beta1), beta2: flags.beta2 === undefined ? undefined : numberFlag('--beta2', flags.beta2),
      beam: flags.beam, 'valid-users': flags['valid-users'], 'reindex-every': flags['reindex-every'], 'item-features': flags['item-features'],
      'no-user': flags['no-user'], static: flags.static, 'no-mgtr': flags['no-mgtr'], 'no-exploit': flags['no-exploit'],
    };
    const modelName = stored && !given('model') ? stored.model : flags.model;
    const genFlag = anyGenerativeFlag(gen);
    if (genFlag && !['ed2', 'lc-rec'].includes(modelName)) {
      throw new RecError('E_CONFIG', `--${genFlag} configures a generative model, not ${modelName}`, { hint: 'Use it with --model ed2 or --model lc-rec, or drop it.' });
    }
    applyGenerativeFlags(modelConfig, gen);
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
        model: modelName,
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

function numberFlag(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new RecError('E_CONFIG', `${name} "${v}" is not a non-negative number`, { hint: `e.g. ${name} 0.5` });
  return n;
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
