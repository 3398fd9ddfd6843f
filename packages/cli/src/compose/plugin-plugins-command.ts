import type { Config } from '@oclif/core';
import { RecError } from '@ed2/core';

/**
 * Runs the @oclif/plugin-plugins command `id` (which our own `plugins:*` commands of the same id shadow) with
 * `argv`: npm names, git URLs and tarballs still go through it.
 */
export async function runPluginPluginsCommand(config: Config, id: string, argv: readonly string[]): Promise<unknown> {
  const plugin = config.plugins.get('@oclif/plugin-plugins');
  const command = await plugin?.findCommand(id);
  if (!command) throw new RecError('E_INTERNAL', `@oclif/plugin-plugins (${id}) is not available in this rec`, { hint: 'Reinstall @ed2/cli.' });
  return command.run([...argv], config);
}
