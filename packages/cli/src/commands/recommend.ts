import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Args, Flags } from '@oclif/core';
import { container } from 'tsyringe';
import { EventBus, RecError, Rng, Tokens, initBackend, leaveOneOut, resolveDataset, type BackendName, type Recommender } from '@ed2/core';
import { BaseCommand } from '../base-command';
import { readRunConfig } from '../compose/read-run-config';

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
    const cfg = readRunConfig(args.run);
    if (!cfg) throw new RecError('E_RUN_DIR', `${args.run} holds no run (no config.json)`, { hint: 'Pass the folder a `rec run` wrote (runs/<id>).' });
    const status = existsSync(join(args.run, 'run.json')) ? (JSON.parse(readFileSync(join(args.run, 'run.json'), 'utf8')) as { status?: string }).status : undefined;
    if (status !== 'done') throw new RecError('E_RUN_DIR', `${args.run} is not a finished run (status: ${status ?? 'unknown'})`, { hint: 'Finish it first: rec run --out <dir> --resume' });
    if (!Number.isInteger(flags.k) || flags.k < 1) throw new RecError('E_CONFIG', `-k ${flags.k} must be a positive integer`, { hint: 'e.g. -k 10' });
    await initBackend({ backend: flags.backend as BackendName });
    const registry = this.registry();
    const events = new EventBus();
    const corpus = await (await resolveDataset(cfg.dataset, cfg.datasetConfig, registry)).load();
    const split = leaveOneOut(corpus);
    const user = flags.user.startsWith('#') ? Number(flags.user.slice(1)) : corpus.users.findIndex((u) => u.key === flags.user);
    if (!(user >= 0 && user < corpus.users.length)) {
      throw new RecError('E_CONFIG', `user "${flags.user}" is not in dataset ${corpus.name}`, { hint: `Give a user key (e.g. "${corpus.users[0]?.key}") or a dense id #0..#${corpus.users.length - 1}.` });
    }
    const scope = container.createChildContainer();
    const rng = new Rng(cfg.seed);
    scope.register(Tokens.Rng, { useValue: rng });
    scope.register(Tokens.Events, { useValue: events });
    scope.register(Tokens.Registry, { useValue: registry });
    scope.register(Tokens.Corpus, { useValue: corpus });
    scope.register(Tokens.Split, { useValue: split });
    const model = await registry.create('recommenders', cfg.model, scope, cfg.modelConfig);
    try {
      // a finished run's checkpoint holds its whole schedule: fit() restores it (best weights, indices) without training
      await model.fit({ corpus, split, rng: rng.fork('fit'), events, checkpointDir: join(args.run, 'checkpoint'), resume: true, validate: async () => ({}) });
      const history = corpus.sequences[user];
      const items = await topItems(model, { user, history, target: history[history.length - 1] }, flags.k);
      const rows = items.map((id, i) => ({ rank: i + 1, item: id, key: corpus.items[id].key, title: corpus.items[id].title ?? '' }));
      if (flags.json) this.log(JSON.stringify({ user: corpus.users[user].key, items: rows }, null, 2));
      else for (const r of rows) this.log(`${String(r.rank).padStart(3)}. ${r.key}  ${r.title}`);
    } finally {
      model.dispose();
      scope.dispose?.();
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
