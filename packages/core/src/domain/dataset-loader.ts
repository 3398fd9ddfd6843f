import type { Corpus } from './corpus';

/** What a dataset plugin's `create` returns. */
export interface DatasetLoader {
  readonly name: string;
  load(options?: { signal?: AbortSignal }): Promise<Corpus>;
}

/**
 * Optional extra on a dataset plugin factory: `detect(path)` tells whether a folder or file is in
 * this plugin's format, so `--dataset <path>` can pick the loader without being told.
 */
export interface DatasetDetector {
  detect(path: string): boolean | Promise<boolean>;
}
