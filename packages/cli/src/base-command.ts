import { Command, Flags } from '@oclif/core';
import { EventBus, RecError, type PluginRegistry } from '@ed2/core';
import { buildRegistryReport, type InstalledPlugin, type RegistryReport } from './compose/build-registry';
import { PluginStore } from './compose/plugin-store';
import { renderProgress } from './render/progress-renderer';
import { exitCodeOf } from './exit-code';

/** Plugins already warned about in this process (a command may build its registry more than once). */
const warned = new Set<string>();

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

  private report?: RegistryReport;

  /** The installed oclif plugins (user-installed and linked), as the registry reads them. */
  protected installedPlugins(): InstalledPlugin[] {
    return this.config.getPluginsList().map((p) => ({ name: p.name, root: p.root, pjson: p.pjson as InstalledPlugin['pjson'] }));
  }

  /** First-party + installed plugins, with the installed ones that could not be registered (`rec doctor` lists them). */
  protected registryReport(): RegistryReport {
    if (!this.report) {
      const report = buildRegistryReport(this.installedPlugins());
      const missing = new PluginStore(this.config.dataDir, this.config.name).missing(new Set(this.config.getPluginsList().map((p) => p.name)));
      this.report = { ...report, problems: [...report.problems, ...missing] };
    }
    return this.report;
  }

  /** The registry; a plugin left out of it is one warning line on stderr, and the command goes on without it. */
  protected registry(): PluginRegistry {
    const report = this.registryReport();
    for (const p of report.problems) {
      if (warned.has(p.plugin)) continue;
      warned.add(p.plugin);
      process.stderr.write(`warning: plugin ${p.plugin} is not loaded [${p.code}]: ${p.reason} (see \`${this.config.bin} doctor\`)\n`);
    }
    return report.registry;
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
