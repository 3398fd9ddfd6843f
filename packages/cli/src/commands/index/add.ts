import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Args, Flags } from '@oclif/core';
import type * as tf from '@tensorflow/tfjs-core';
import { RecError, Rng, writeJsonAtomic } from '@ed2/core';
import { GenerativeRecommender, loadItemFeatures, readNewItems } from '@ed2/generative';
import { BaseCommand } from '../../base-command';
import { restoreFinishedRun } from '../../compose/restore-finished-run';

/** Items added to a run after training, as `rec index add` stores them in the run folder. */
export interface AddedItemsFile {
  readonly items: { key: string; id: number; tokens: string[]; title?: string }[];
}

export default class IndexAdd extends BaseCommand {
  static override summary = 'Index new items with a finished run\'s trained indexer (no retraining) and show how they rank.';
  static override description = [
    "Encodes each new item's text with the run's backbone (or reads --features rows for models trained on an embedding",
    'file), assigns codes with the trained item indexer, makes each index unique without changing any existing one (a',
    'free tuple as is; the next suffix of an existing collision set; else the nearest free last-level code), and adds',
    'them to the trie. The vocabulary needs no new tokens (codes and suffix slots are preallocated). The items are kept',
    'in <run>/added-items.json, so `rec recommend` ranks them too. Then ranks the catalogue for a seeded sample of users',
    '(each with their whole known sequence) and reports, per new item, how many users get it in their top-k and its best rank.',
  ].join('\n');
  static override examples = ['<%= config.bin %> index add runs/2026-12-02-ed2 --items new-items.jsonl --users 200 -k 10'];
  static override args = { run: Args.string({ description: 'Run folder of a finished generative `rec run` (ed2, lc-rec).', required: true }) };
  static override flags = {
    items: Flags.string({ description: 'New items: JSON array or JSON lines of {key, title?, description?, brand?, categories?}.', required: true }),
    features: Flags.string({ description: 'Feature rows of the new items (.npy / .safetensors), for runs trained with --item-features.' }),
    users: Flags.integer({ description: 'Users sampled (seeded) to see how the new items rank.', default: 200 }),
    k: Flags.integer({ char: 'k', description: 'Top-k cut-off of the ranking report.', default: 10 }),
    backend: Flags.string({ description: 'Tensor backend.', default: 'auto', env: 'REC_BACKEND' }),
    json: Flags.boolean({ description: 'Print JSON.', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(IndexAdd);
    if (!Number.isInteger(flags.k) || flags.k < 1) throw new RecError('E_CONFIG', `-k ${flags.k} must be a positive integer`, { hint: 'e.g. -k 10' });
    if (!Number.isInteger(flags.users) || flags.users < 1) throw new RecError('E_CONFIG', `--users ${flags.users} must be a positive integer`, { hint: 'e.g. --users 200' });
    if (flags.features && !existsSync(flags.features)) throw new RecError('E_DATA_MISSING', `--features ${flags.features} does not exist`, { hint: 'Give the new items\' feature rows (.npy or .safetensors).' });
    const items = await readNewItems(flags.items);
    let features: tf.Tensor2D | undefined;
    const run = await restoreFinishedRun(args.run, this.registry(), flags.backend, async (m) => {
      if (!(m instanceof GenerativeRecommender)) throw new RecError('E_UNSUPPORTED', `${m.name} has no index to extend`, { hint: 'rec index add works on generative runs (ed2, lc-rec).' });
      // encode before the trained weights return: the catalogue's features came from the backbone as built
      features = flags.features ? await loadItemFeatures(flags.features, items.length) : await m.encodeNewItems(items);
    });
    const { model, corpus } = run;
    try {
      const gen = model as GenerativeRecommender;
      const file = join(args.run, 'added-items.json');
      const earlier: AddedItemsFile = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as AddedItemsFile) : { items: [] };
      gen.restoreAddedItems(earlier.items);
      const plans = await gen.addItems(items, features!, { events: run.events });
      const stored: AddedItemsFile = { items: [...earlier.items, ...plans.map((p, j) => ({ key: p.key, id: p.id, tokens: [...p.tokens], ...(items[j].title ? { title: items[j].title } : {}) }))] };
      await writeJsonAtomic(file, stored);
      // how they rank: a seeded sample of users, each ranked after their whole known sequence
      const n = Math.min(flags.users, corpus.users.length);
      const users = Array.from(new Rng(`${run.seed}/index-add`).permutation(corpus.users.length).slice(0, n));
      const cases = users.map((u) => ({ user: u, history: corpus.sequences[u], target: corpus.sequences[u][corpus.sequences[u].length - 1] }));
      const ranked = await gen.recommend(cases, flags.k);
      const report = plans.map((p) => {
        let users = 0;
        let best: number | undefined;
        for (const r of ranked) {
          const at = r.items.indexOf(p.id);
          if (at >= 0) {
            users++;
            best = best === undefined ? at + 1 : Math.min(best, at + 1);
          }
        }
        return { key: p.key, id: p.id, index: p.tokens.join(''), resolution: p.resolution, usersWithItInTopK: users, bestRank: best ?? null };
      });
      const slots = ranked.reduce((s, r) => s + r.items.length, 0);
      const newSlots = ranked.reduce((s, r) => s + r.items.filter((i) => i >= corpus.items.length).length, 0);
      const summary = { users: n, k: flags.k, newItemShareOfTopK: slots ? newSlots / slots : 0, catalogue: corpus.items.length + stored.items.length };
      if (flags.json) this.log(JSON.stringify({ items: report, summary }, null, 2));
      else {
        for (const r of report) this.log(`${r.key}  ${r.index}  (${r.resolution})  in the top-${flags.k} of ${r.usersWithItInTopK}/${n} users${r.bestRank ? `, best rank ${r.bestRank}` : ''}`);
        this.log(`new items hold ${(100 * summary.newItemShareOfTopK).toFixed(1)}% of the top-${flags.k} slots of ${n} sampled users; kept in ${file}`);
      }
    } finally {
      features?.dispose();
      run.close();
    }
  }
}
