import { Args, Flags } from '@oclif/core';
import { resolveDataset } from '@ed2/core';
import { INDEX_FORMAT_NAMES, checkIndexAgainst, readIndexTable, writeIndexTable } from '@ed2/indexers';
import { BaseCommand } from '../../base-command';
import { parseAssignments } from '../../compose/parse-assignments';

export default class IndexImport extends BaseCommand {
  static override summary = 'Read an index in lcrec-json, csv or recbole format into an LC-Rec index file (for --item-index / the static indexer).';
  static override description = [
    'The file is checked (ids 0..K-1, one code length, known tokens); with --dataset also against the dataset: no unknown',
    'items, none missing, and the tokens in the file (item_token) equal to the dataset keys.',
  ].join('\n');
  static override examples = [
    '<%= config.bin %> index import Instruments.sid.csv --format csv --out Instruments.index.json --dataset ../shared/datasets/amazon-instruments',
  ];
  static override args = { file: Args.string({ description: 'Index file to read.', required: true }) };
  static override flags = {
    format: Flags.string({ description: 'Input format (default: from the file name).', options: [...INDEX_FORMAT_NAMES] }),
    out: Flags.string({ char: 'o', description: 'LC-Rec index file to write (X.index.json).', required: true }),
    dataset: Flags.string({ description: 'Dataset (name or path) to check the index against.' }),
    'dataset-set': Flags.string({ description: 'Dataset option as key=value (repeatable).', multiple: true }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(IndexImport);
    const table = await readIndexTable(args.file, flags.format);
    if (flags.dataset) {
      const corpus = await (await resolveDataset(flags.dataset, parseAssignments(flags['dataset-set'] ?? [], '--dataset-set'), this.registry())).load();
      const entities = table.kind === 'user' ? corpus.users : corpus.items;
      checkIndexAgainst(args.file, table, entities.length, entities.map((e) => e.key));
    }
    await writeIndexTable(table, flags.out, 'lcrec-json');
    this.log(`wrote ${table.tokens.length} ${table.kind} indices (${table.levels} levels) from ${args.file} to ${flags.out} (lcrec-json)`);
  }
}
