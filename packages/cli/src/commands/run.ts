import { Flags } from '@oclif/core';
import { BACKEND_NAMES, handleInterrupts } from '@ed2/core';
import { BaseCommand } from '../base-command';
import { runExperiment } from '../compose/run-experiment';
import { runConfigFromFlags } from '../compose/run-config-from-flags';

export default class Run extends BaseCommand {
  static override summary = 'Train a recommender, evaluate it on the test split and write a run folder.';
  static override description = [
    'Loads the dataset (a registered name such as `synthetic`, or a path to a dataset folder), splits it',
    'chronologically leave-one-out, trains the model with early stopping on validation NDCG@10, evaluates on',
    'the test split with full ranking over all items and writes runs/<id>/{config.json, metrics.json,',
    'report.md, test-per-user.json, checkpoint/}. Ctrl-C stops after the current step; --resume continues.',
    'A NaN or infinite loss or gradient stops training with E_NUMERIC naming the step and the last good checkpoint.',
    '',
    'Exit codes (every rec command): 0 success, 1 a failure while running (E_NUMERIC, E_BACKEND, E_CHECKPOINT, …),',
    '2 usage or configuration (E_CONFIG, E_PLUGIN*, E_RUN_DIR, unknown flags), 3 the data (E_DATA_MISSING,',
    'E_DATA_FORMAT), 130 interrupted.',
  ].join('\n');
  static override examples = [
    '<%= config.bin %> run --model sasrec',
    '<%= config.bin %> run --model sasrec --loss bce --dataset ../shared/datasets/amazon-instruments',
    '<%= config.bin %> run --model gru4rec --dataset ../shared/datasets/ml-100k --epochs 50 --set dim=128',
    '<%= config.bin %> run --out runs/exp1 --resume',
  ];

  static override flags = {
    model: Flags.string({ char: 'm', description: 'Recommender to train (see `rec components`): ed2 (default), lc-rec, tiger, darec, sasrec, gru4rec, …', default: 'ed2' }),
    indexer: Flags.string({ description: 'Generative models: indexer of both branches (hvqae | rqvae | lsh | static | a plugin).' }),
    tasks: Flags.string({ description: "Generative models: instruction tasks, 'all' or a comma list." }),
    backbone: Flags.string({ description: 'Generative models: llama:<preset> (tiny, mini, stories260k, llama2-7b) or a weights path (.bin, .gguf, safetensors); torch:<preset | weights> runs it in a PyTorch + PEFT worker (--set backbone.workers=N: torchrun).' }),
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
    'index-file': Flags.string({ description: 'Generative models: item indices from a precomputed index file (*.index.json, e.g. Instruments.index.json): the static item indexer.' }),
    'item-features': Flags.string({ description: 'Item features instead of text: run:<SASRec run dir>, or a .safetensors/.npy file.' }),
    'no-user': Flags.boolean({ description: 'Ablation w/o user: item indices only.' }),
    static: Flags.boolean({ description: 'Ablation w/o dynamic: indices computed once and frozen.' }),
    'no-mgtr': Flags.boolean({ description: 'Ablation w/o m-GTR.' }),
    'no-exploit': Flags.boolean({ description: 'Ablation w/o exploit: no high-order tasks (sequential + item↔index only).' }),
    workers: Flags.integer({ min: 1, description: 'Backbone torch: torchrun processes on this machine (data parallel; gloo on CPU, nccl on GPU). Several machines: --set backbone.torchrun=… (see the backbones README).' }),
    strategy: Flags.string({ description: 'Backbone torch with --workers > 1: ddp (whole model per rank) or fsdp (FSDP2, each decoder layer sharded).', options: ['ddp', 'fsdp'] }),
    dataset: Flags.string({ char: 'd', description: 'Dataset name (`synthetic`) or path to a dataset folder/file.', default: 'synthetic' }),
    backend: Flags.string({ description: 'Tensor backend (auto = tensorflow → wasm → cpu).', options: [...BACKEND_NAMES], default: 'auto', env: 'REC_BACKEND' }),
    seed: Flags.integer({ description: 'Seed for data generation, initialisation, sampling.', default: 42 }),
    epochs: Flags.integer({ description: 'Maximum training epochs (model option `epochs`).' }),
    loss: Flags.string({ description: 'Training loss where the model supports it (sasrec: ce | bce).', options: ['ce', 'bce'] }),
    out: Flags.string({ char: 'o', description: 'Run folder (default runs/<date>-<model>).' }),
    resume: Flags.boolean({ description: 'Continue the run in --out from its last checkpoint, with its stored model, dataset, seed and options (flags given here override them; only epochs/patience may differ).', default: false }),
    config: Flags.string({ char: 'c', description: 'JSON file: {"model": {...options}, "dataset": {...options}}.' }),
    'config-file': Flags.string({ description: 'Project configuration (default ./rec.config.json when present): per-dataset backbone and options; see `rec config show`.' }),
    set: Flags.string({ char: 's', description: 'Model option as key=value (repeatable), e.g. --set dim=128.', multiple: true }),
    'dataset-set': Flags.string({ description: 'Dataset option as key=value (repeatable), e.g. --dataset-set numUsers=500.', multiple: true }),
    ks: Flags.string({ description: 'Cut-offs for HR@K / NDCG@K, comma-separated.', default: '1,5,10' }),
    'exclude-seen': Flags.boolean({ description: "Mask the user's history items when ranking (default: not masked, as in the paper).", default: false }),
    'eval-batch': Flags.integer({ description: 'Users per evaluation batch.', default: 512 }),
    json: Flags.boolean({ description: 'Print the test metrics as JSON instead of a table.', default: false }),
  };

  async run(): Promise<void> {
    const { flags, metadata } = await this.parse(Run);
    // built-in defaults < rec.config.json (general < matching dataset sections) < flags; the stored run on --resume
    const registry = this.registry();
    const r = runConfigFromFlags(flags, metadata, { registry });
    this.startRendering(flags);
    for (const note of r.notes) this.events.info(note);
    const controller = new AbortController();
    const off = handleInterrupts(controller, { events: this.events });
    try {
      const result = await runExperiment({
        model: r.model,
        modelConfig: r.modelConfig,
        dataset: r.dataset,
        datasetConfig: r.datasetConfig,
        seed: r.seed,
        backend: r.backend,
        out: flags.out,
        resume: flags.resume,
        ks: r.ks,
        excludeSeen: r.excludeSeen,
        evalBatchSize: r.evalBatchSize,
        sources: r.sources,
        registry,
        events: this.events,
        signal: controller.signal,
        argv: this.argv,
      });
      if (flags.json) this.log(JSON.stringify({ dir: result.dir, backend: result.backend, test: result.test.metrics }, null, 2));
      else this.log(`\n${result.markdown}\n\nrun folder: ${result.dir}`);
    } finally {
      off();
    }
  }
}

