import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Args, Flags } from '@oclif/core';
import { RecError } from '@ed2/core';
import { pairedTest } from '@ed2/eval';
import { BaseCommand } from '../base-command';

interface PerUserFile {
  name?: string;
  perCase: { users: number[] } & Record<string, number[]>;
}

export default class Compare extends BaseCommand {
  static override summary = 'Paired significance test between two finished runs (per-user metric: paired t-test and Wilcoxon).';
  static override examples = ['<%= config.bin %> compare runs/a runs/b', '<%= config.bin %> compare runs/a runs/b --metric hr@10'];
  static override args = {
    a: Args.string({ description: 'First run folder.', required: true }),
    b: Args.string({ description: 'Second run folder.', required: true }),
  };
  static override flags = {
    metric: Flags.string({ description: 'Per-user metric to compare.', default: 'ndcg@10' }),
    json: Flags.boolean({ description: 'Print JSON.', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Compare);
    const a = readPerUser(args.a);
    const b = readPerUser(args.b);
    const m = flags.metric;
    const va = column(a, m, args.a);
    const vb = column(b, m, args.b);
    const r = pairedTest(
      { users: Int32Array.from(a.perCase.users), perCase: { [m]: Float64Array.from(va) } },
      { users: Int32Array.from(b.perCase.users), perCase: { [m]: Float64Array.from(vb) } },
      m,
    );
    if (flags.json) {
      this.log(JSON.stringify({ a: args.a, b: args.b, ...r }, null, 2));
      return;
    }
    this.log(`${flags.metric}: ${args.a} vs ${args.b} on ${r.n} paired users`);
    this.log(`  mean difference (a − b): ${r.meanDiff.toFixed(5)} (a ${r.meanA.toFixed(5)}, b ${r.meanB.toFixed(5)})`);
    this.log(`  paired t-test:  t = ${r.tTest.t.toFixed(3)}, df = ${r.tTest.df}, p = ${r.tTest.p.toExponential(3)}`);
    this.log(`  Wilcoxon:       W = ${r.wilcoxon.w.toFixed(1)}, z = ${r.wilcoxon.z.toFixed(3)}, p = ${r.wilcoxon.p.toExponential(3)}`);
  }
}

function readPerUser(dir: string): PerUserFile {
  const file = join(dir, 'test-per-user.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PerUserFile;
  } catch (e) {
    throw new RecError('E_DATA_MISSING', `${file} cannot be read: ${(e as Error).message}`, { hint: 'Pass the folder of a finished `rec run` (it writes test-per-user.json).', cause: e });
  }
}

function column(f: PerUserFile, metric: string, dir: string): number[] {
  const v = f.perCase[metric];
  if (!Array.isArray(v)) {
    const known = Object.keys(f.perCase).filter((k) => k !== 'users' && k !== 'ranks');
    throw new RecError('E_CONFIG', `run ${dir} has no per-user "${metric}"; it has ${known.join(', ')}`, { hint: `Use --metric with one of ${known.join(', ')}.` });
  }
  return v;
}
