import { RecError, type InstructionTask, type PluginRegistry } from '@ed2/core';
import type { DependencyContainer } from 'tsyringe';

/**
 * Task names from a `--tasks` value: `all` = every registered task (sorted), or a comma list
 * (`sequential,co-purchase`), checked against the registry (unknown names list the known ones).
 */
export function resolveTasks(spec: string, registry: PluginRegistry): string[] {
  const trimmed = spec.trim();
  if (trimmed === 'all') {
    const names = registry.names('tasks');
    if (!names.length) throw new RecError('E_PLUGIN_UNKNOWN', 'No tasks are registered', { hint: 'Load @ed2/tasks/plugin (or another task plugin) first.' });
    return names;
  }
  const names = [...new Set(trimmed.split(',').map((s) => s.trim()).filter(Boolean))];
  if (!names.length) {
    throw new RecError('E_CONFIG', `No task named in "${spec}"`, { hint: `Use "all" or a comma-separated list of: ${registry.names('tasks').join(', ')}` });
  }
  for (const n of names) registry.get('tasks', n);
  return names;
}

/** Build the named tasks through the registry (configs validated per task, keyed by task name). */
export async function createTasks(names: readonly string[], registry: PluginRegistry, scope: DependencyContainer, configs: Readonly<Record<string, unknown>> = {}): Promise<InstructionTask[]> {
  const out: InstructionTask[] = [];
  for (const n of names) out.push(await registry.create('tasks', n, scope, configs[n] ?? {}));
  return out;
}
