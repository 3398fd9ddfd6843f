import { Flags } from '@oclif/core';
import { RecError } from '@ed2/core';
import { BaseCommand } from '../../base-command';
import { attributeSources, configLeaves } from '../../compose/config-sources';
import { runConfigFromFlags, withProjectOrigin } from '../../compose/run-config-from-flags';
import Run from '../run';

export default class ConfigShow extends BaseCommand {
  static override summary = 'Print the configuration `rec run` would use with these flags, and where each value comes from.';
  static override description = [
    'Takes every `rec run` flag. Resolution: built-in defaults < rec.config.json (the general section, then each',
    'dataset section whose name or glob matches --dataset, the most specific last; each followed by its',
    '"models": {"<model>": …} section) < flags. Each value is labelled default, rec.config.json:<section> or flag --<name>.',
  ].join('\n');
  static override examples = [
    '<%= config.bin %> config show --dataset ../shared/datasets/amazon-instruments',
    '<%= config.bin %> config show --dataset ml-100k --model sasrec --json',
    '<%= config.bin %> config show --config-file configs/paper.json --dataset amazon-beauty --epochs 2',
  ];
  static override flags = { ...Run.flags, json: Flags.boolean({ description: 'Print {config, sources, sections, notes} as JSON.', default: false }) };

  async run(): Promise<void> {
    const { flags, metadata } = await this.parse(ConfigShow);
    const r = runConfigFromFlags(flags, metadata);
    const registry = this.registry();
    // the model's schema fills its defaults (what config.json records); an invalid value is printed, then reported
    let modelConfig: unknown = r.modelConfig;
    let invalid: unknown;
    try {
      modelConfig = registry.parseConfig('recommenders', r.model, r.modelConfig);
    } catch (e) {
      if (!RecError.is(e)) throw e;
      invalid = withProjectOrigin(e, r);
    }
    let datasetConfig: unknown = r.datasetConfig;
    if (registry.has('datasets', r.dataset)) {
      try {
        datasetConfig = registry.parseConfig('datasets', r.dataset, r.datasetConfig);
      } catch (e) {
        invalid ??= e;
      }
    }
    const config = { model: r.model, dataset: r.dataset, seed: r.seed, eval: { ks: r.ks, excludeSeen: r.excludeSeen }, evalBatchSize: r.evalBatchSize, backend: r.backend, modelConfig, datasetConfig };
    const sources = attributeSources(config, r.sources);
    if (flags.json) {
      this.log(JSON.stringify({ projectFile: r.projectFile ?? null, sections: r.sections, config, sources, notes: r.notes }, null, 2));
    } else {
      this.log(r.projectFile ? `project file ${r.projectFile}; sections applied: ${r.sections.length ? r.sections.join(', ') : '(none match)'}` : 'no project file (rec.config.json) here; built-in defaults and flags only');
      const rows = configLeaves(config).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v), sources[k]] as const);
      const w0 = Math.max(...rows.map((x) => x[0].length));
      const w1 = Math.min(48, Math.max(...rows.map((x) => x[1].length)));
      for (const [k, v, s] of rows) this.log(`  ${k.padEnd(w0)}  ${v.padEnd(w1)}  ${s}`);
      for (const n of r.notes) this.log(`note: ${n}`);
    }
    if (invalid) throw invalid;
  }
}
