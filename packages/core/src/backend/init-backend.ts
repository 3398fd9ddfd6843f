import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { RecError } from '../errors/rec-error';
import { installWasmGatherGradient } from './wasm-gather-gradient';
import { withNativeStderrSilenced } from './silence-native-stderr';

export const BACKEND_NAMES = ['auto', 'tensorflow', 'tensorflow-gpu', 'wasm', 'webgpu', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
/** Order tried by `auto`. */
export const AUTO_ORDER: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

export interface BackendOptions {
  /** Which backend to use; `auto` = tensorflow → wasm → cpu. */
  backend?: BackendName;
  /** Worker threads for wasm (default: all cores when the runtime allows). */
  threads?: number;
}

export interface BackendInfo {
  /** Our name for the backend in use. */
  name: Exclude<BackendName, 'auto'>;
  /** tfjs's registered backend name (`tensorflow`, `wasm`, `cpu`, `webgpu`). */
  tfName: string;
  /** Backends tried before this one and why each was not used. */
  skipped: { name: string; reason: string }[];
}

/** Loader for one backend: returns the tfjs backend name; throws RecError('E_BACKEND') when unavailable. */
export type BackendLoader = (opts: BackendOptions) => Promise<string>;

function missing(pkg: string, cause: unknown): RecError {
  return new RecError('E_BACKEND', `backend package ${pkg} could not be loaded: ${(cause as Error)?.message ?? cause}`, {
    hint: `install it with \`npm install ${pkg}\` (native addons need \`npm rebuild\` or scripts/postinstall.js)`,
    cause,
  });
}

function requireOrFail(pkg: string): unknown {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(pkg);
  } catch (e) {
    throw missing(pkg, e);
  }
}

/** A TensorFlow addon, its start-up lines silenced unless TF_CPP_MIN_LOG_LEVEL=0 asks for every log line. */
function loadNative(pkg: string): unknown {
  return process.env.TF_CPP_MIN_LOG_LEVEL === '0' ? requireOrFail(pkg) : withNativeStderrSilenced(() => requireOrFail(pkg));
}

/** Built-in loaders; tests may pass overrides to `initBackend` to force failures. */
export const DEFAULT_LOADERS: Record<Exclude<BackendName, 'auto'>, BackendLoader> = {
  tensorflow: async () => {
    process.env.TF_CPP_MIN_LOG_LEVEL ??= '2'; // TensorFlow's later info lines (the CPU-feature banner); start-up lines: withNativeStderrSilenced
    loadNative('@tensorflow/tfjs-node');
    return 'tensorflow';
  },
  'tensorflow-gpu': async () => {
    process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
    loadNative('@tensorflow/tfjs-node-gpu');
    return 'tensorflow';
  },
  webgpu: async () => {
    const dawn = requireOrFail('webgpu') as { create?: (a: string[]) => unknown; globals?: object };
    const g = globalThis as unknown as { navigator?: { gpu?: unknown } };
    if (!g.navigator?.gpu) {
      if (dawn.globals) Object.assign(globalThis, dawn.globals);
      if (!dawn.create) throw missing('webgpu', new Error('package has no create()'));
      Object.defineProperty(globalThis, 'navigator', { value: { gpu: dawn.create([]) }, configurable: true });
    }
    requireOrFail('@tensorflow/tfjs-backend-webgpu');
    return 'webgpu';
  },
  wasm: async (opts) => {
    const wasm = requireOrFail('@tensorflow/tfjs-backend-wasm') as {
      setWasmPaths: (p: string) => void;
      setThreadsCount: (n: number) => void;
    };
    const dist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
    wasm.setWasmPaths(dist);
    if (opts.threads) wasm.setThreadsCount(opts.threads);
    installWasmGatherGradient();
    return 'wasm';
  },
  cpu: async () => {
    requireOrFail('@tensorflow/tfjs-backend-cpu');
    return 'cpu';
  },
};

/**
 * Register tfjs's gradients once. `dist/register_all_gradients` is ESM-only (fine under vitest, not in plain
 * CommonJS Node), so fall back to @tensorflow/tfjs's CommonJS bundle, which registers the same gradients
 * into tfjs-core's global registry.
 */
export function ensureGradients(): void {
  if (tf.getGradient('Abs')) return;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@tensorflow/tfjs-core/dist/register_all_gradients');
  } catch {
    /* ESM-only in plain Node: use the CommonJS bundle below */
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (!tf.getGradient('Abs')) require('@tensorflow/tfjs');
}

async function activate(tfName: string): Promise<void> {
  let ok: boolean;
  try {
    ok = await tf.setBackend(tfName);
  } catch (e) {
    throw new RecError('E_BACKEND', `backend ${tfName} failed to initialise: ${(e as Error).message}`, { cause: e });
  }
  if (!ok) throw new RecError('E_BACKEND', `backend ${tfName} failed to initialise (see tfjs warnings above)`);
  await tf.ready();
}

/**
 * Select and initialise the tfjs backend. Explicit names fail with RecError('E_BACKEND') when unavailable;
 * `auto` falls back along AUTO_ORDER and records why each faster backend was skipped.
 */
export async function initBackend(
  opts: BackendOptions = {},
  loaders: Partial<Record<Exclude<BackendName, 'auto'>, BackendLoader>> = {},
): Promise<BackendInfo> {
  const requested = opts.backend ?? 'auto';
  if (!(BACKEND_NAMES as readonly string[]).includes(requested)) {
    throw new RecError('E_BACKEND', `unknown backend "${requested}"`, { hint: `valid backends: ${BACKEND_NAMES.join(', ')}` });
  }
  ensureGradients();
  const all = { ...DEFAULT_LOADERS, ...loaders };
  const order = requested === 'auto' ? AUTO_ORDER : [requested];
  const skipped: BackendInfo['skipped'] = [];
  for (const name of order as Exclude<BackendName, 'auto'>[]) {
    try {
      const tfName = await all[name](opts);
      await activate(tfName);
      return { name, tfName, skipped };
    } catch (e) {
      if (requested !== 'auto') throw e;
      skipped.push({ name, reason: (e as Error).message });
    }
  }
  throw new RecError('E_BACKEND', `no tfjs backend could be initialised: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}
