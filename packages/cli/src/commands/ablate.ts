import { Flags } from '@oclif/core';
import { RecError, handleInterrupts, makeRunId } from '@ed2/core';
import { join } from 'node:path';
import { BaseCommand } from '../base-command';
import { ablationEntries } from '../compose/ablation-entries';
import { applySets, benchFlags, benchRunFlags } from '../compose/bench-flags';
import { benchComparison } from '../compose/bench-comparison';
import { applyGenerativeFlags, setDotted } from '../compose/generative-flags';
import { parseAssignments } from '../compose/parse-assignments';
import { runBench } from '../compose/run-bench';
import { writeBenchOutputs } from '../compose/write-bench-outputs';

export default class Ablate extends BaseCommand {
  static override summary = "The ED² paper's ablation tables: components (Table 2) and index length / LSH (Table 3), with Avg.D per row.";
  static override description = [
    'Table 2: full, w/o user (--no-user), w/o dynamic (--static), w/o m-GTR (--no-mgtr), w/o exploit (--no-exploit),',
    'w/o user & m-GTR. Table 3: index length 3/4/5 (--index-length) and LSH indices static vs dynamic (--indexer lsh).',
    'Each row is a `rec run` of --model (ed2) with the shared options plus its ablation flags; rows equal to another after',
    'defaults (index length 4 = full) share its runs. Avg.D = 100 · mean over the table metrics of (full − row) / full,',
    "the average relative decrease against the full model (positive = worse). Outputs: <out>/ablation.{md,json},",
    'ablation-table2/3.{csv,png}, one run folder per row × seed.',
  ].join('\n');
  static override examples = [
    '<%= config.bin %> ablate --dataset ../shared/datasets/amazon-scientific --budget epochs=2,warmupEpochs=10,validUsers=200 --out bench/ablate-sci',
  ];
  static override flags = {
    model: Flags.string({ description: 'The full model the ablations start from.', default: 'ed2' }),
    budget: Flags.string({ description: 'Training budget for every row, comma-separated key=value model options, e.g. epochs=2,warmupEpochs=10,validUsers=200 (stated in the report).' }),
    backbone: Flags.string({ description: 'llama:<preset> or a weights path (as rec run).' }),
    tokenizer: Flags.string({ description: 'Tokenizer of --backbone weights.' }),
    finetune: Flags.string({ description: 'lora | full | auto.', options: ['auto', 'lora', 'full'] }),
    beam: Flags.integer({ description: 'Beam width of the constrained beam search.' }),
    'valid-users': Flags.integer({ description: 'Users in the seeded validation subsample.' }),
    'item-features': Flags.string({ description: 'Item features instead of text: run:<SASRec run dir>, or a .safetensors/.npy file.' }),
    rows: Flags.string({ description: 'Only these rows (comma list of full, no-user, static, no-mgtr, no-exploit, no-user-no-mgtr, length-3, length-4, length-5, lsh-static, lsh-dynamic); the full model always runs.' }),
    ...benchFlags,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Ablate);
    if (flags.resume && !flags.out) throw new RecError('E_CONFIG', '--resume needs --out <bench folder>', { hint: 'e.g. rec ablate --out runs/a1 --resume' });
    const base: Record<string, unknown> = {};
    if (flags.epochs !== undefined) base.epochs = flags.epochs;
    for (const [k, v] of Object.entries(parseAssignments(flags.budget ? flags.budget.split(',') : [], '--budget'))) setDotted(base, k, v);
    applyGenerativeFlags(base, { backbone: flags.backbone, tokenizer: flags.tokenizer, finetune: flags.finetune, beam: flags.beam, 'valid-users': flags['valid-users'], 'item-features': flags['item-features'] });
    const shared = { [flags.model]: base };
    applySets(shared, flags.set ?? []);
    const plan = ablationEntries(shared[flags.model], { model: flags.model, ...(flags.rows ? { rows: flags.rows.split(',').map((x) => x.trim()).filter(Boolean) } : {}) });
    const out = flags.out ?? join('runs', makeRunId('ablate'));
    const metrics = flags.metrics.split(',').map((s) => s.trim());
    this.startRendering(flags);
    const controller = new AbortController();
    const off = handleInterrupts(controller, { events: this.events });
    try {
      const rows = await runBench({
        entries: plan.entries,
        ...benchRunFlags(flags),
        out,
        registry: this.registry(),
        events: this.events,
        signal: controller.signal,
        argv: this.argv,
      });
      const tables = plan.tables.map((t, i) => {
        const sub = t.ids.map((id) => rows.find((r) => r.entry.id === id)!);
        return benchComparison(sub, metrics, { title: t.title, slug: `-table${i + 2}`, allowMixed: flags['allow-mixed-protocols'], reference: sub[0].entry.name });
      });
      const r = await writeBenchOutputs(out, 'ablation', { title: `rec ablate: ${flags.model}${flags.budget ? ` (budget ${flags.budget})` : ''}`, dataset: flags.dataset, command: `rec ablate ${this.argv.join(' ')}` }, tables, rows);
      if (flags.json) this.log(JSON.stringify({ dir: out, tables: tables.map((t) => ({ title: t.title, ...t.comparison })) }, null, 2));
      else this.log(`\n${r.markdown}\nablation folder: ${out}`);
    } finally {
      off();
    }
  }
}
