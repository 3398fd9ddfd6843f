import { Args, Flags } from '@oclif/core';
import * as tf from '@tensorflow/tfjs-core';
import { container } from 'tsyringe';
import { BACKEND_NAMES, EventBus, Rng, Tokens, initBackend, leaveOneOut, resolveDataset, type BackendName, type DualIndex, type Indexer, type InstructionSample, type SamplePart } from '@ed2/core';
import { countSamples, createTasks, resolveTasks, buildInstructionSamples } from '@ed2/tasks';
import { BaseCommand } from '../../base-command';
import { parseAssignments } from '../../compose/parse-assignments';

export default class DataTasks extends BaseCommand {
  static override summary = 'Build the instruction samples of the selected tasks for a dataset and print counts per task (and generation time).';
  static override description =
    'Indices come from --item-index (a precomputed index file such as Instruments.index.json) or, by default, from seeded random 4-token codes; users always get seeded random codes. Tasks lacking data (no reviews, no user text) are skipped with a warning.';
  static override examples = [
    '<%= config.bin %> data tasks synthetic',
    '<%= config.bin %> data tasks ../shared/datasets/amazon-instruments --item-index ../shared/datasets/amazon-instruments/Instruments.index.json',
    '<%= config.bin %> data tasks ../shared/datasets/amazon-scientific --tasks sequential,co-purchase --show 2',
  ];
  static override args = { dataset: Args.string({ description: 'Dataset name or path.', required: true }) };
  static override flags = {
    tasks: Flags.string({ description: 'Comma-separated task names, or all.', default: 'all' }),
    'item-index': Flags.string({ description: 'Precomputed item index file ({"<item id>": ["<a_1>", …]}).' }),
    seed: Flags.integer({ description: 'Seed for codes, templates and sampling.', default: 42 }),
    show: Flags.integer({ description: 'Print this many example samples per task.', default: 0 }),
    'dataset-set': Flags.string({ description: 'Dataset option as key=value (repeatable).', multiple: true }),
    json: Flags.boolean({ description: 'Print JSON.', default: false }),
    backend: Flags.string({ description: 'Tensor backend (auto = tensorflow → wasm → cpu).', options: [...BACKEND_NAMES], default: 'auto', env: 'REC_BACKEND' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(DataTasks);
    this.startRendering(flags);
    await initBackend({ backend: flags.backend as BackendName });
    const registry = this.registry();
    const corpus = await (await resolveDataset(args.dataset, parseAssignments(flags['dataset-set'] ?? [], '--dataset-set'), registry)).load();
    const split = leaveOneOut(corpus);
    const scope = container.createChildContainer();
    const rng = new Rng(flags.seed);
    scope.register(Tokens.Rng, { useValue: rng });
    scope.register(Tokens.Events, { useValue: this.events });
    const itemIndexer = await registry.create('indexers', 'static', scope, flags['item-index'] ? { kind: 'item', source: 'file', path: flags['item-index'] } : { kind: 'item', source: 'random' });
    const userIndexer = await registry.create('indexers', 'static', scope, { kind: 'user', source: 'random' });
    const index: DualIndex = { item: await indexOf(itemIndexer, corpus.items.length), user: await indexOf(userIndexer, corpus.users.length) };
    itemIndexer.dispose();
    userIndexer.dispose();
    const tasks = await createTasks(resolveTasks(flags.tasks, registry), registry, scope);
    const parts: SamplePart[] = ['train', 'valid', 'test'];
    const report: Record<string, Record<string, number | Record<string, number>>> = {};
    const examples: InstructionSample[] = [];
    for (const task of tasks) {
      const row: Record<string, number> = {};
      const t0 = performance.now();
      for (const part of parts) {
        const samples = buildInstructionSamples([task], { corpus, split, index, rng, part, events: quiet(this.events, part !== 'train') });
        row[part] = samples.length;
        if (part === 'train') examples.push(...samples.slice(0, flags.show));
      }
      row.seconds = Number(((performance.now() - t0) / 1000).toFixed(2));
      report[task.name] = row;
    }
    if (flags.json) {
      this.log(JSON.stringify({ dataset: corpus.name, tasks: report, ...(flags.show ? { examples } : {}) }, null, 2));
      return;
    }
    this.log(`\n| task | train | valid | test | seconds |\n|---|---|---|---|---|`);
    for (const [name, r] of Object.entries(report)) this.log(`| ${name} | ${r.train} | ${r.valid} | ${r.test} | ${r.seconds} |`);
    if (examples.length) {
      const byTask = countSamples(examples);
      this.log(`\nexamples (${Object.keys(byTask).join(', ')}):`);
      for (const s of examples) this.log(`- [${s.task}/${s.template}] ${s.prompt}\n    → ${s.response}`);
    }
  }
}

async function indexOf(indexer: Indexer, n: number) {
  const x = tf.zeros([n, 1]) as tf.Tensor2D;
  try {
    return indexer.index(await indexer.assign(x));
  } finally {
    x.dispose();
  }
}

/** Valid/test builds repeat train's skip warnings: pass them only once. */
function quiet(events: EventBus, mute: boolean): EventBus {
  if (!mute) return events;
  const bus = new EventBus();
  bus.on((e) => {
    if (e.type !== 'log' || e.level === 'error') events.emit(e);
  });
  return bus;
}
