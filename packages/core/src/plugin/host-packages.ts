import Module from 'node:module';

/** Packages a plugin shares with the rec that loads it (its peer dependencies): `@ed2/*`, tfjs-core, zod, tsyringe. */
export const HOST_PACKAGES: readonly string[] = ['@ed2/', '@tensorflow/tfjs-core', 'zod', 'tsyringe', 'reflect-metadata'];

const packageOf = (request: string) => (request.startsWith('@') ? request.split('/').slice(0, 2).join('/') : request.split('/')[0]);
const isHost = (request: string) => HOST_PACKAGES.some((h) => (h.endsWith('/') ? request.startsWith(h) : packageOf(request) === h));

type Resolve = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;
let installed = false;

/**
 * Lets plugin modules `require` the host's own `@ed2/*`, `@tensorflow/tfjs-core`, `zod`, `tsyringe` when they cannot
 * find one themselves (a plugin installed into rec's data folder with its peer dependencies left out, or a folder
 * without node_modules): Node then resolves the request from this package's location, i.e. the copies rec runs with.
 * A plugin that has its own copy keeps it. Hand-written: Node has no public hook for a fallback resolution path
 * (NODE_PATH is read once at start-up; module-alias and the like replace resolution instead of falling back).
 */
export function provideHostPackages(): void {
  if (installed) return;
  installed = true;
  const mod = Module as unknown as { _resolveFilename: Resolve };
  const original = mod._resolveFilename;
  mod._resolveFilename = function (request: string, parent: unknown, isMain: boolean, options?: unknown): string {
    try {
      return original.call(this, request, parent, isMain, options);
    } catch (e) {
      if ((e as { code?: string }).code !== 'MODULE_NOT_FOUND' || !isHost(request)) throw e;
      return original.call(this, request, parent, isMain, { paths: [__dirname] });
    }
  };
}
