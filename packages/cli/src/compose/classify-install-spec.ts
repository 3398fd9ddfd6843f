import { existsSync, statSync } from 'node:fs';
import { RecError, isPluginPath, pluginPathRoot } from '@ed2/core';

/** How an install argument is read: a folder on disk, or something npm fetches (via @oclif/plugin-plugins). */
export function classifyInstallSpec(spec: string, cwd = process.cwd()): { readonly kind: 'folder'; readonly root: string } | { readonly kind: 'npm'; readonly spec: string } {
  const root = pluginPathRoot(spec, cwd);
  const isDir = existsSync(root) && statSync(root).isDirectory();
  if (isDir && (isPluginPath(spec) || spec.includes('/') || spec.includes('\\'))) return { kind: 'folder', root };
  if (isPluginPath(spec)) {
    if (existsSync(root)) return { kind: 'npm', spec: spec.startsWith('file:') ? spec : `file:${root}` }; // a tarball: npm unpacks it
    throw new RecError('E_PLUGIN', `No plugin at ${root} (from "${spec}")`, { hint: 'Give the folder of the plugin package (./path, /abs/path or file:path), or an npm package name.' });
  }
  // `owner/repo` that is not a folder here: oclif would take it for a GitHub repository (and wait on the network)
  if (/^[^@:]+\/[^:]+$/.test(spec)) {
    throw new RecError('E_PLUGIN', `"${spec}" is not a folder (from ${cwd}) and rec does not read owner/repo as a GitHub address`, {
      hint: `For a folder check the path (./${spec}); for a GitHub repository write github:${spec} or its https:// URL.`,
    });
  }
  return { kind: 'npm', spec };
}
