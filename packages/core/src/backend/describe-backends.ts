import * as tf from '@tensorflow/tfjs-core';

export interface BackendDescription {
  inUse: string;
  tfjsVersion: string;
  /** TensorFlow C library version when the native backend is in use. */
  tensorflowVersion?: string;
  threads?: number;
  /** Faster backends not in use, with a one-line reason. */
  notInUse: { name: string; reason: string }[];
  /** Measured matmul throughput when `probe` was requested. */
  matmulGflops?: number;
}

const FASTER: Record<string, string[]> = {
  cpu: ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm'],
  wasm: ['tensorflow-gpu', 'webgpu', 'tensorflow'],
  tensorflow: ['tensorflow-gpu', 'webgpu'],
  webgpu: [],
};

function loadReason(pkg: string): string | undefined {
  try {
    require.resolve(pkg);
  } catch {
    return `not installed (npm install ${pkg})`;
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(pkg);
    return undefined;
  } catch (e) {
    return `failed to load: ${(e as Error).message.split('\n')[0]}`;
  }
}

/** n×n×n matmul throughput on the current backend (GFLOP/s, best of 3 after a warm-up). */
export async function matmulGflops(n = 1024): Promise<number> {
  const a = tf.randomUniform([n, n]);
  const b = tf.randomUniform([n, n]);
  let best = Infinity;
  for (let i = 0; i < 4; i++) {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
    if (i > 0) best = Math.min(best, performance.now() - t0);
  }
  a.dispose();
  b.dispose();
  return (2 * n ** 3) / (best / 1000) / 1e9;
}

/** What `rec doctor` prints about tensor backends. Call after initBackend. */
export async function describeBackends(opts: { probe?: boolean } = {}): Promise<BackendDescription> {
  const inUse = tf.getBackend();
  const d: BackendDescription = { inUse, tfjsVersion: tf.version_core, notInUse: [] };
  if (inUse === 'tensorflow') {
    d.tensorflowVersion = (tf.backend() as unknown as { binding?: { TF_Version?: string } }).binding?.TF_Version;
  }
  if (inUse === 'wasm') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const w = require('@tensorflow/tfjs-backend-wasm') as { getThreadsCount?: () => number };
    d.threads = w.getThreadsCount?.();
  }
  const pkgs: Record<string, string> = {
    tensorflow: '@tensorflow/tfjs-node',
    'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
    webgpu: '@tensorflow/tfjs-backend-webgpu',
    wasm: '@tensorflow/tfjs-backend-wasm',
  };
  // probe first: loading another backend's package below may register it at a higher priority
  if (opts.probe) d.matmulGflops = await matmulGflops();
  for (const name of FASTER[inUse] ?? []) {
    const reason = loadReason(pkgs[name]) ?? (name === 'webgpu' ? loadReason('webgpu') : undefined);
    d.notInUse.push({ name, reason: reason ?? 'available but not selected (pass --backend ' + name + ')' });
  }
  if (tf.getBackend() !== inUse) await tf.setBackend(inUse);
  return d;
}
