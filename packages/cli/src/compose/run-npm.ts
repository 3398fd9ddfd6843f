import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { RecError } from '@ed2/core';

/** The npm CLI rec ships with (a dependency of @oclif/plugin-plugins), else `npm` on the PATH. */
function npmCommand(): { file: string; args: string[] } {
  try {
    return { file: process.execPath, args: [join(dirname(require.resolve('npm/package.json')), 'bin', 'npm-cli.js')] };
  } catch {
    return { file: process.platform === 'win32' ? 'npm.cmd' : 'npm', args: [] };
  }
}

/**
 * Runs `npm <args> --no-audit --no-fund` in `cwd` (rec's data folder). No audit: it is a network call on every
 * install and uninstall. A failure is an E_PLUGIN with the end of npm's output.
 */
export function runNpm(cwd: string, args: readonly string[]): Promise<string> {
  const npm = npmCommand();
  return new Promise((done, fail) => {
    execFile(npm.file, [...npm.args, ...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (!error) return done(stdout);
      const tail = `${stderr}\n${stdout}`.trim().split('\n').slice(-8).join('\n');
      fail(new RecError('E_PLUGIN', `npm ${args.join(' ')} failed in ${cwd}:\n${tail}`, { hint: 'Check the package name or path (and the network for registry packages); npm\'s log is named above.', cause: error }));
    });
  });
}
