import { Flags } from '@oclif/core';
import { BACKEND_NAMES, describeBackends, initBackend, type BackendName } from '@ed2/core';
import { BaseCommand } from '../base-command';

export default class Doctor extends BaseCommand {
  static override summary = 'Show the tensor backend in use, its TensorFlow version, why faster ones are unavailable, and the plugins loaded (or not, with the reason).';
  static override examples = ['<%= config.bin %> doctor', '<%= config.bin %> doctor --probe', '<%= config.bin %> doctor --backend wasm'];
  static override flags = {
    backend: Flags.string({ description: 'Backend to try (auto = tensorflow → wasm → cpu).', options: [...BACKEND_NAMES], default: 'auto', env: 'REC_BACKEND' }),
    probe: Flags.boolean({ description: 'Measure matmul GFLOP/s (1024³) on the backend in use.', default: false }),
    json: Flags.boolean({ description: 'Print JSON.', default: false }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Doctor);
    const info = await initBackend({ backend: flags.backend as BackendName });
    const d = await describeBackends({ probe: flags.probe });
    const { probeTorchEnvironment } = await import('@ed2/backbones'); // the torch backbone's Python side (a few seconds: imports torch)
    const torch = probeTorchEnvironment();
    const report = this.registryReport();
    const plugins = report.registry.pluginNames();
    const problems = report.problems.map((p) => ({ plugin: p.plugin, root: p.root, code: p.code, reason: p.reason, ...(p.hint ? { fix: p.hint } : {}) }));
    if (flags.json) {
      this.log(JSON.stringify({ backend: info.name, skipped: info.skipped, ...d, node: process.version, plugins, pluginProblems: problems, torch }, null, 2));
      return;
    }
    this.log(`backend:     ${info.name}${d.tensorflowVersion ? ` (TensorFlow ${d.tensorflowVersion})` : ''}${d.threads ? `, ${d.threads} threads` : ''}`);
    this.log(`tfjs:        ${d.tfjsVersion}`);
    this.log(`node:        ${process.version} (${process.platform}-${process.arch})`);
    if (d.matmulGflops !== undefined) this.log(`matmul:      ${d.matmulGflops.toFixed(1)} GFLOP/s (1024³)`);
    for (const s of info.skipped) this.log(`not used:    ${s.name} — ${s.reason}`);
    for (const s of d.notInUse) this.log(`faster:      ${s.name} — ${s.reason}`);
    this.log(`plugins:     ${plugins.join(', ')}`);
    if (torch.missing.length) this.log(`torch:       not usable — ${torch.missing.includes('python') ? `${torch.python} (from ${torch.source}) does not run` : `${torch.python} (from ${torch.source}) lacks ${torch.missing.join(', ')}`}; fix: python3 -m venv .venv && .venv/bin/pip install -r packages/backbones/python/ed2_torch_worker/requirements.txt, or set REC_PYTHON`);
    else this.log(`torch:       python ${torch.pythonVersion} (${torch.python}, from ${torch.source}) · torch ${torch.torch} · transformers ${torch.transformers} · peft ${torch.peft} · devices ${torch.devices.join(', ')}`);
    for (const p of problems) {
      this.log(`not loaded:  ${p.plugin} (${p.root}) [${p.code}] — ${p.reason}`);
      if (p.fix) this.log(`             fix: ${p.fix}`);
    }
  }
}
