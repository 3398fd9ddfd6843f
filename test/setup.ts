import 'reflect-metadata';
import { initBackend, type BackendName } from '@ed2/core';

// One backend per worker, chosen by REC_BACKEND (default auto = tensorflow → wasm → cpu, as `rec` does).
// vitest runs setup files as modules, so top-level await is allowed here.
await initBackend({ backend: (process.env.REC_BACKEND ?? 'auto') as BackendName });
