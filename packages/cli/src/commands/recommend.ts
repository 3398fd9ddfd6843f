import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Args, Flags } from '@oclif/core';
import { RecError, type Recommender } from '@ed2/core';
import { GenerativeRecommender } from '@ed2/generative';
import type { AddedItemsFile } from './index/add';
import { BaseCommand } from '../base-command';
import { restoreFinishedRun } from '../compose/restore-finished-run';

export default class Recommend extends BaseCommand {
  static override summary = "Print one user's top-k items (with titles) from a finished run's best weights.";
  static override description = [
    'Rebuilds the run\'s model from its config.json and checkpoint (no training: the finished run is restored with its best',
    "weights and indices) and ranks the next item after the user's whole known sequence (train, validation and test items).",
  ].join('\n');
  static override examples = ['<%= config.bin %> recommend runs/2026-12-02-ed2 --user 42 -k 10'];
  static override args = { run: Args.string({ description: 'Run folder of a finished `rec run`.', required: true }) };
  static override flags = {
    user: Flags.string({ char: 'u', description: "User: the dataset's own user key, or #<dense id>.", required: true }),
    k: Flags.integer({ char: 'k', description: 'How many items.', default: 10 }),
    backend: Flags.string({ description: 'Tensor backend.', default: 'auto', env: 'REC_BACKEND' }),
    json: Flags.boolean({ description: 'Print JSON.', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Recommend);
    if (!Number.isInteger(flags.k) || flags.k < 1) throw new RecError('E_CONFIG', `-k ${flags.k} must be a positive integer`, { hint: 'e.g. -k 10' });
    const run = await restoreFinishedRun(args.run, this.registry(), flags.backend);
    const { model, corpus } = run;
    try {
      const user = flags.user.startsWith('#') ? Number(flags.user.slice(1)) : corpus.users.findIndex((u) => u.key === flags.user);
      if (!(user >= 0 && user < corpus.users.length)) {
        throw new RecError('E_CONFIG', `user "${flags.user}" is not in dataset ${corpus.name}`, { hint: `Give a user key (e.g. "${corpus.users[0]?.key}") or a dense id #0..#${corpus.users.length - 1}.` });
      }
      // items added after training by `rec index add` rank with the catalogue
      const addedFile = join(args.run, 'added-items.json');
      const added = existsSync(addedFile) ? (JSON.parse(readFileSync(addedFile, 'utf8')) as AddedItemsFile).items : [];
      if (added.length && model instanceof GenerativeRecommender) model.restoreAddedItems(added);
      const history = corpus.sequences[user];
      const items = await topItems(model, { user, history, target: history[history.length - 1] }, flags.k);
      const describe = (id: number) => corpus.items[id] ?? added.find((a) => a.id === id);
      const rows = items.map((id, i) => ({ rank: i + 1, item: id, key: describe(id)?.key ?? `#${id}`, title: describe(id)?.title ?? '', ...(id >= corpus.items.length ? { added: true } : {}) }));
      if (flags.json) this.log(JSON.stringify({ user: corpus.users[user].key, items: rows }, null, 2));
      else for (const r of rows) this.log(`${String(r.rank).padStart(3)}. ${r.key}  ${r.title}${'added' in r ? '  (added after training)' : ''}`);
    } finally {
      run.close();
    }
  }
}

async function topItems(model: Recommender, c: { user: number; history: readonly number[]; target: number }, k: number): Promise<number[]> {
  if (model.recommend) return [...(await model.recommend([c], k))[0].items];
  if (!model.score) throw new RecError('E_UNSUPPORTED', `${model.name} can neither recommend nor score`);
  const s = await model.score([c]);
  const v = Array.from(s.dataSync());
  s.dispose();
  return v.map((x, i) => [x, i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, k).map((x) => x[1]);
}
