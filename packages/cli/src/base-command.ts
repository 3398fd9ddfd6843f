import { Command, Flags } from '@oclif/core';
import { EventBus, RecError, type PluginRegistry } from '@ed2/core';
import { buildRegistry, type InstalledPlugin } from './compose/build-registry';
import { renderProgress } from './render/progress-renderer';
import { exitCodeOf } from './exit-code';

/**
 * Shared plumbing of every `rec` command: the plugin registry (first-party + installed plugins),
 * an event bus rendered as progress bars, and RecErrors printed as "error [code]: message" + hint.
 */
export abstract class BaseCommand extends Command {
  static override baseFlags = {
    verbose: Flags.boolean({ description: 'Show debug log lines.', default: false }),
    'no-progress': Flags.boolean({ description: 'No progress bars (one line per finished step).', default: false }),
  };

  protected events = new EventBus();
  private stopRenderer?: () => void;

  protected registry(): PluginRegistry {
    const installed: InstalledPlugin[] = [];
    for (const p of this.config.getPluginsList()) {
      installed.push({ name: p.name, root: p.root, pjson: p.pjson as InstalledPlugin['pjson'] });
    }
    return buildRegistry(installed);
  }

  protected startRendering(flags: { verbose: boolean; 'no-progress': boolean }): void {
    this.stopRenderer = renderProgress(this.events, {
      bars: !flags['no-progress'] && Boolean(process.stderr.isTTY),
      verbose: flags.verbose,
      write: (line) => process.stderr.write(`${line}\n`),
    });
  }

  protected override async finally(err: Error | undefined): Promise<unknown> {
    this.stopRenderer?.();
    return super.finally(err);
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    this.stopRenderer?.();
    if (RecError.is(err)) {
      process.stderr.write(`error [${err.code}]: ${err.message}\n`);
      if (err.hint) process.stderr.write(`  fix: ${err.hint}\n`);
      this.exit(exitCodeOf(err)); // one rule for every command: see exit-code.ts
    }
    return super.catch(err);
  }
}
