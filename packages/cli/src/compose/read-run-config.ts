import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RecError, readTextFileSync } from '@ed2/core';
import type { RunConfig } from './run-experiment'; // type only: no import cycle at run time

/**
 * The experiment stored in a run folder's `config.json`, or undefined when there is none (`--resume` then
 * reports the missing run itself). `rec run --resume --out <dir>` starts from it, so only the flags that change
 * something (e.g. `--epochs`) need repeating.
 */
export function readRunConfig(out: string): RunConfig | undefined {
  const file = join(out, 'config.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readTextFileSync(file)) as RunConfig; // a config.json edited on Windows may carry a BOM
  } catch (e) {
    throw new RecError('E_RUN_DIR', `${file} is not valid JSON`, { cause: e, hint: 'The run folder is damaged; start a fresh run with another --out.' });
  }
}
