import 'reflect-metadata';
import { initBackend, type BackendName } from '@ed2/core';

// One backend per worker, chosen by REC_BACKEND (auto = tensorflow → wasm → cpu). The default stays `cpu`
// until every package's tests pass on wasm (core's checkpoint test uses tf.complex, which wasm lacks).
// vitest runs setup files as modules, so top-level await is allowed here.
await initBackend({ backend: (process.env.REC_BACKEND ?? 'cpu') as BackendName });
