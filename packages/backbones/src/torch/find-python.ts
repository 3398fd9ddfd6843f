import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { RecError } from '@ed2/core';

/** Folder holding the `ed2_torch_worker` Python package (shipped in the npm package's `python/`). */
export function workerPythonPath(): string {
  // src/torch/*.ts and dist/torch/*.js both sit two levels below the package root
  return resolve(__dirname, '..', '..', 'python');
}

export const REQUIREMENTS_FILE = 'packages/backbones/python/ed2_torch_worker/requirements.txt';

/** The first `.venv/bin/python` in `from` or a folder above it. */
function venvAbove(from: string): string | undefined {
  for (let d = resolve(from); ; d = dirname(d)) {
    const p = join(d, '.venv', 'bin', 'python');
    if (existsSync(p)) return p;
    if (dirname(d) === d) return undefined;
  }
}

/** Interpreter for the worker: `REC_PYTHON`, else a `.venv/bin/python` above the working directory or this package, else `python3`. */
export function findPython(explicit?: string): { readonly python: string; readonly source: string } {
  if (explicit) return { python: explicit, source: 'config python' };
  if (process.env.REC_PYTHON) return { python: process.env.REC_PYTHON, source: 'REC_PYTHON' };
  const venv = venvAbove(process.cwd()) ?? venvAbove(__dirname);
  if (venv) return { python: venv, source: '.venv' };
  return { python: 'python3', source: 'PATH' };
}

/** Versions and devices the worker's interpreter offers (what `rec doctor` prints). */
export interface TorchEnvironment {
  readonly python: string;
  readonly source: string;
  readonly pythonVersion?: string;
  readonly torch?: string;
  readonly transformers?: string;
  readonly peft?: string;
  readonly msgpack?: string;
  readonly devices: readonly string[];
  /** Modules the worker needs that do not import. */
  readonly missing: readonly string[];
  readonly error?: string;
}

const PROBE = `
import json, platform
out = {"pythonVersion": platform.python_version(), "missing": [], "devices": ["cpu"]}
for m in ["torch", "transformers", "peft", "msgpack", "safetensors", "numpy"]:
    try:
        mod = __import__(m)
        out[m] = getattr(mod, "__version__", None) or ".".join(map(str, getattr(mod, "version", ())))
    except Exception as e:
        out["missing"].append(m)
try:
    import torch
    out["devices"] += [f"cuda:{i} {torch.cuda.get_device_name(i)}" for i in range(torch.cuda.device_count())]
except Exception:
    pass
print(json.dumps(out))
`;

/** Runs the interpreter once to list versions, devices and missing modules (never throws). */
export function probeTorchEnvironment(explicit?: string): TorchEnvironment {
  const { python, source } = findPython(explicit);
  try {
    const text = execFileSync(python, ['-c', PROBE], { encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] });
    const j = JSON.parse(text.trim().split('\n').pop()!) as Omit<TorchEnvironment, 'python' | 'source'>;
    return { python, source, ...j };
  } catch (e) {
    return { python, source, devices: [], missing: ['python'], error: (e as Error).message.split('\n')[0] };
  }
}

/** Throws naming what is missing and how to install it, unless the worker's modules all import. */
export function requireTorchEnvironment(explicit?: string): TorchEnvironment {
  const env = probeTorchEnvironment(explicit);
  if (env.missing.length) {
    const what = env.missing.includes('python') ? `the Python interpreter '${env.python}' (from ${env.source}) does not run: ${env.error ?? ''}` : `Python '${env.python}' (from ${env.source}) lacks ${env.missing.join(', ')}`;
    throw new RecError('E_BACKEND', `the torch backbone needs Python with torch, transformers, peft, msgpack, safetensors and numpy: ${what}`, {
      hint: `python3 -m venv .venv && .venv/bin/pip install -r ${REQUIREMENTS_FILE} (or point REC_PYTHON at an interpreter that has them).`,
    });
  }
  return env;
}
