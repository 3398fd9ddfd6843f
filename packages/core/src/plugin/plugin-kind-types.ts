import type { Backbone } from '../domain/backbone';
import type { DatasetLoader } from '../domain/dataset-loader';
import type { Indexer } from '../domain/indexer';
import type { InstructionTask } from '../domain/instruction-task';
import type { RankMetric } from '../domain/rank-metric';
import type { TrainableRecommender } from '../domain/trainable-recommender';
import type { PluginKind } from './plugin-manifest';

/** What a factory of each manifest kind builds: `registry.create(kind, …)` resolves to `PluginKindTypes[kind]`. */
export interface PluginKindTypes {
  datasets: DatasetLoader;
  indexers: Indexer;
  backbones: Backbone;
  tasks: InstructionTask;
  recommenders: TrainableRecommender;
  metrics: RankMetric;
}

/** Compile-time: every manifest kind has a type above (a missing one is an error here). */
export type CheckedKindTypes = CoversKinds<PluginKindTypes>;
type CoversKinds<T extends Record<PluginKind, unknown>> = T;
