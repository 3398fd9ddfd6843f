import { Args, Flags } from '@oclif/core';
import { corpusStats, formatStats, kCore, leaveOneOut, resolveDataset } from '@ed2/core';
import { BaseCommand } from '../../base-command';
import { parseAssignments } from '../../compose/parse-assignments';

export default class DataStats extends BaseCommand {
  static override summary = 'Print statistics of a dataset: users, items, interactions, sequence lengths, text coverage.';
  static override examples = ['<%= config.bin %> data stats synthetic', '<%= config.bin %> data stats ../shared/datasets/ml-100k --k-core 5'];
  static override args = { dataset: Args.string({ description: 'Dataset name or path.', required: true }) };
  static override flags = {
    'k-core': Flags.integer({ description: 'Apply k-core filtering first.', default: 0 }),
    'dataset-set': Flags.string({ description: 'Dataset option as key=value (repeatable).', multiple: true }),
    json: Flags.boolean({ description: 'Print JSON.', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(DataStats);
    const t0 = Date.now();
    const loader = await resolveDataset(args.dataset, parseAssignments(flags['dataset-set'] ?? [], '--dataset-set'), this.registry());
    let corpus = await loader.load();
    if (flags['k-core'] > 0) corpus = kCore(corpus, flags['k-core']);
    const stats = corpusStats(corpus);
    const split = leaveOneOut(corpus);
    const extra = { trainInteractions: split.train.reduce((s, t) => s + t.length, 0), validCases: split.valid.length, testCases: split.test.length, reviews: corpus.reviews?.length ?? 0, loadSeconds: (Date.now() - t0) / 1000 };
    if (flags.json) this.log(JSON.stringify({ name: corpus.name, ...stats, ...extra }, null, 2));
    else {
      this.log(formatStats(corpus.name, stats));
      this.log(`leave-one-out: ${extra.trainInteractions} training interactions, ${extra.validCases} valid / ${extra.testCases} test cases; ${extra.reviews} reviews; loaded in ${extra.loadSeconds.toFixed(2)}s`);
    }
  }
}
