import { Flags } from '@oclif/core';
import { RecError, handleInterrupts, makeRunId } from '@ed2/core';
import { basename, join } from 'node:path';
import { BaseCommand } from '../base-command';
import { applySets, benchFlags, benchRunFlags } from '../compose/bench-flags';
import { benchComparison } from '../compose/bench-comparison';
import type { BenchEntry } from '../compose/bench-entry';
import { applyGenerativeFlags, applyIndexFile } from '../compose/generative-flags';
import { GENERATIVE_MODELS } from '../compose/resolve-run-config';
import { runBench } from '../compose/run-bench';
import { writeBenchOutputs } from '../compose/write-bench-outputs';

export default class Bench extends BaseCommand {
  static override summary = 'Train and test several models on one dataset and write a Table-1 style comparison (Markdown, CSV, JSON, bar chart).';
  static override description = [
    'Runs every --models recommender (any registered name: ed2, lc-rec, tiger, darec, sasrec, gru4rec, …) through the',
    'code of `rec run`, once per seed, in <out>/<model>/seed-<s>/, then writes <out>/bench.{md,csv,json,png}: HR@1/5/10 and',
    'NDCG@5/10, best bold, second underlined, the improvement (best − second) / second, and a paired per-user t-test and',
    'Wilcoxon test of the best against the second-best model. --seeds N reports mean ± t-based 95% CI. Rows measured',
    'under different protocols (data, split, masking, cut-offs, seeds, beam/constraint) are refused unless --allow-mixed-protocols.',
  ].join('\n');
  static override examples = [
    '<%= config.bin %> bench --models sasrec,gru4rec --dataset ../shared/datasets/amazon-instruments --out bench/instruments',
    '<%= config.bin %> bench --models ed2,lc-rec,sasrec,gru4rec --seeds 3 --set sasrec.dim=64 --out runs/b1 --resume',
  ];
  static override flags = {
    models: Flags.string({ char: 'm', description: 'Comma-separated recommender names (see `rec components`).', required: true }),
    beam: Flags.integer({ description: `Beam width of every generative row (${GENERATIVE_MODELS.join(', ')}): one beam for a fair table.` }),
    'index-file': Flags.string({ description: `Item indices of every generative row (${GENERATIVE_MODELS.join(', ')}) from a precomputed *.index.json (the static item indexer).` }),
    ...benchFlags,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Bench);
    if (flags.resume && !flags.out) throw new RecError('E_CONFIG', '--resume needs --out <bench folder>', { hint: 'e.g. rec bench --models sasrec,gru4rec --out runs/b1 --resume' });
    const models = flags.models.split(',').map((s) => s.trim()).filter(Boolean);
    const configs: Record<string, Record<string, unknown>> = Object.fromEntries(models.map((m) => [m, flags.epochs !== undefined ? { epochs: flags.epochs } : {}]));
    for (const m of models.filter((x) => GENERATIVE_MODELS.includes(x))) {
      if (flags.beam !== undefined) applyGenerativeFlags(configs[m], { beam: flags.beam });
      if (flags['index-file'] !== undefined) applyIndexFile(configs[m], flags['index-file']);
    }
    applySets(configs, flags.set ?? []);
    const entries: BenchEntry[] = models.map((m) => ({ name: m, id: m, model: m, modelConfig: configs[m] }));
    const out = flags.out ?? join('runs', makeRunId('bench'));
    const metrics = flags.metrics.split(',').map((s) => s.trim());
    this.startRendering(flags);
    const controller = new AbortController();
    const off = handleInterrupts(controller, { events: this.events });
    try {
      const rows = await runBench({
        entries,
        ...benchRunFlags(flags),
        out,
        registry: this.registry(),
        events: this.events,
        signal: controller.signal,
        argv: this.argv,
      });
      const table = benchComparison(rows, metrics, { title: `Comparison on ${basename(flags.dataset)}`, slug: '', allowMixed: flags['allow-mixed-protocols'] });
      const r = await writeBenchOutputs(out, 'bench', { title: `rec bench: ${models.join(', ')}`, dataset: flags.dataset, command: `rec bench ${this.argv.join(' ')}` }, [table], rows);
      if (flags.json) this.log(JSON.stringify({ dir: out, ...table.comparison }, null, 2));
      else this.log(`\n${r.markdown}\nbench folder: ${out}`);
    } finally {
      off();
    }
  }
}
