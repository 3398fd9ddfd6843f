import type { InjectionToken } from 'tsyringe';
import type { Corpus } from '../domain/corpus';
import type { Split } from '../domain/split';
import type { EventBus } from '../events/event-bus';
import type { Rng } from '../random/rng';
import type { PluginRegistry } from '../plugin/plugin-registry';

/** Information about the run a component is created in (resolved from the per-run child container). */
export interface RunInfo {
  /** Run directory (`runs/<id>`), where checkpoints go; undefined for library use without a run. */
  readonly dir?: string;
  readonly seed: number;
  /** Continue from the last checkpoint in `dir` if one exists. */
  readonly resume: boolean;
  /** tfjs backend in use (`tensorflow`, `wasm`, `cpu`, ...). */
  readonly backend: string;
}

const t = <T>(name: string): InjectionToken<T> => Symbol.for(`@ed2/core:${name}`);

/**
 * Typed injection tokens. Every constructor parameter uses one of these with an explicit
 * `@inject(Tokens.X)`; each run registers them in its own child container.
 */
export const Tokens = {
  Rng: t<Rng>('Rng'),
  Events: t<EventBus>('Events'),
  Registry: t<PluginRegistry>('Registry'),
  Corpus: t<Corpus>('Corpus'),
  Split: t<Split>('Split'),
  Run: t<RunInfo>('Run'),
  Signal: t<AbortSignal>('Signal'),
  /** Texts a backbone without a pretrained tokenizer learns its word vocabulary from (the run's prompts and entity texts). */
  BackboneTexts: t<() => Iterable<string>>('BackboneTexts'),
} as const;
