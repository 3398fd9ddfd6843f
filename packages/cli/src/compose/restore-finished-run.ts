import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { container, type DependencyContainer } from 'tsyringe';
import { EventBus, RecError, Rng, Tokens, initBackend, leaveOneOut, resolveDataset, type BackendName, type Corpus, type PluginRegistry, type Split, type TrainableRecommender } from '@ed2/core';
import { readRunConfig } from './read-run-config';

export interface RestoredRun {
  readonly model: TrainableRecommender;
  readonly corpus: Corpus;
  readonly split: Split;
  readonly events: EventBus;
  readonly seed: number;
  /** Disposes the model and the run's container. */
  close(): void;
}

/**
 * Rebuilds a finished run's model from its config.json and checkpoint, without training: `fit` with `resume`
 * on a finished run's checkpoint restores its best weights and indices (used by `rec recommend`, `rec index add`).
 * `beforeRestore` sees the freshly built model before that.
 */
export async function restoreFinishedRun(runDir: string, registry: PluginRegistry, backend: string, beforeRestore?: (model: TrainableRecommender) => Promise<void>): Promise<RestoredRun> {
  const cfg = readRunConfig(runDir);
  if (!cfg) throw new RecError('E_RUN_DIR', `${runDir} holds no run (no config.json)`, { hint: 'Pass the folder a `rec run` wrote (runs/<id>).' });
  const status = existsSync(join(runDir, 'run.json')) ? (JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as { status?: string }).status : undefined;
  if (status !== 'done') throw new RecError('E_RUN_DIR', `${runDir} is not a finished run (status: ${status ?? 'unknown'})`, { hint: 'Finish it first: rec run --out <dir> --resume' });
  await initBackend({ backend: backend as BackendName });
  const events = new EventBus();
  const corpus = await (await resolveDataset(cfg.dataset, cfg.datasetConfig, registry)).load();
  const split = leaveOneOut(corpus);
  const scope: DependencyContainer = container.createChildContainer();
  const rng = new Rng(cfg.seed);
  scope.register(Tokens.Rng, { useValue: rng });
  scope.register(Tokens.Events, { useValue: events });
  scope.register(Tokens.Registry, { useValue: registry });
  scope.register(Tokens.Corpus, { useValue: corpus });
  scope.register(Tokens.Split, { useValue: split });
  const model = await registry.create('recommenders', cfg.model, scope, cfg.modelConfig);
  const close = (): void => {
    model.dispose();
    scope.dispose?.();
  };
  try {
    // the model as built, before its trained weights return (e.g. to encode new items as stage (a) encoded the catalogue)
    if (beforeRestore) await beforeRestore(model);
    await model.fit({ corpus, split, rng: rng.fork('fit'), events, checkpointDir: join(runDir, 'checkpoint'), resume: true, validate: async () => ({}) });
  } catch (e) {
    close();
    throw e;
  }
  return { model, corpus, split, events, seed: cfg.seed, close };
}
