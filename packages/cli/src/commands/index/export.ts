import { Args, Flags } from '@oclif/core';
import { resolveDataset, type IndexerKind } from '@ed2/core';
import { INDEX_FORMAT_NAMES, checkIndexAgainst, readIndexTable, writeIndexTable } from '@ed2/indexers';
import { BaseCommand } from '../../base-command';
import { parseAssignments } from '../../compose/parse-assignments';
import { indexSource } from '../../compose/run-index-file';

export default class IndexExport extends BaseCommand {
  static override summary = "Write a run's (or an index file's) item or user index in another format.";
  static override description = [
    'Formats: lcrec-json (LC-Rec / MiniOneRec X.index.json), csv (MiniOneRec-style: item_id, code_a…, suffix, sid,',
    'item_token) and recbole (atomic file: item_id:token, sid:token_seq, item_token:token). With --dataset the items',
    "get their own tokens (ASINs) and the index is checked against the dataset's items.",
  ].join('\n');
  static override examples = [
    '<%= config.bin %> index export runs/2026-12-02-ed2 --format csv --out Instruments.sid.csv --dataset ../shared/datasets/amazon-instruments',
    '<%= config.bin %> index export ../shared/datasets/amazon-instruments/Instruments.index.json --format recbole --out Instruments.item',
  ];
  static override args = { source: Args.string({ description: 'Run folder (its index/<kind>.index.json) or an index file.', required: true }) };
  static override flags = {
    format: Flags.string({ description: 'Output format.', options: [...INDEX_FORMAT_NAMES], required: true }),
    out: Flags.string({ char: 'o', description: 'Output file.', required: true }),
    from: Flags.string({ description: 'Format of an input index file (default: from its name).', options: [...INDEX_FORMAT_NAMES] }),
    kind: Flags.string({ description: 'Which index of a run.', options: ['item', 'user'], default: 'item' }),
    dataset: Flags.string({ description: "Dataset (name or path) whose item / user keys fill the token column; the index is checked against it." }),
    'dataset-set': Flags.string({ description: 'Dataset option as key=value (repeatable).', multiple: true }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(IndexExport);
    const kind = flags.kind as IndexerKind;
    const { file, fromRun } = indexSource(args.source, kind);
    let table = await readIndexTable(file, fromRun ? 'lcrec-json' : flags.from, fromRun ? kind : undefined);
    if (flags.dataset) {
      const corpus = await (await resolveDataset(flags.dataset, parseAssignments(flags['dataset-set'] ?? [], '--dataset-set'), this.registry())).load();
      const entities = table.kind === 'user' ? corpus.users : corpus.items;
      checkIndexAgainst(file, table, entities.length, entities.map((e) => e.key));
      table = { ...table, keys: entities.map((e) => e.key) };
    }
    await writeIndexTable(table, flags.out, flags.format);
    this.log(`wrote ${table.tokens.length} ${table.kind} indices (${table.levels} levels${table.keys ? ', with tokens' : ''}) from ${file} to ${flags.out} (${flags.format})`);
  }
}
