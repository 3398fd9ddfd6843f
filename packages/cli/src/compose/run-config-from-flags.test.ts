import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildRegistry } from './build-registry';
import { runConfigFromFlags, type FlagMetadata } from './run-config-from-flags';

const tmp = mkdtempSync(join(tmpdir(), 'rec-flags-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const DEFAULTS = { model: 'ed2', dataset: 'synthetic', seed: 42, ks: '1,5,10', 'exclude-seen': false, 'eval-batch': 512, backend: 'auto', resume: false };
const defaulted: FlagMetadata = { flags: Object.fromEntries(Object.keys(DEFAULTS).map((k) => [k, { setFromDefault: true }])) };

function projectDir(name: string, config: unknown): string {
  const dir = join(tmp, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'rec.config.json'), JSON.stringify(config));
  return dir;
}

const errorOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e as Error & { code: string; hint?: string };
  }
  throw new Error('expected an error');
};

describe('runConfigFromFlags', () => {
  it('defaulted flags do not hide the project file; given ones beat it', () => {
    const cwd = projectDir('plain', { seed: 7, models: { sasrec: { epochs: 9 } } });
    const r = runConfigFromFlags({ ...DEFAULTS, model: 'sasrec' }, { flags: { ...defaulted.flags, model: { setFromDefault: false } } }, { cwd });
    expect(r).toMatchObject({ model: 'sasrec', seed: 7, modelConfig: { epochs: 9 }, projectFile: join(cwd, 'rec.config.json') });
    const flagged = runConfigFromFlags({ ...DEFAULTS, seed: 1 }, { flags: { ...defaulted.flags, seed: {} } }, { cwd });
    expect(flagged.seed).toBe(1);
  });

  it('an option the model refuses, or a missing weights file, names the section of rec.config.json that set it', () => {
    const registry = buildRegistry();
    const bad = projectDir('bad-option', { models: { sasrec: { set: { dimm: 3 } } } });
    const e = errorOf(() => runConfigFromFlags({ ...DEFAULTS, model: 'sasrec' }, { flags: { ...defaulted.flags, model: {} } }, { cwd: bad, registry }));
    expect(e.code).toBe('E_CONFIG');
    expect(e.message).toMatch(/Unrecognized key: "dimm" — set in .*rec\.config\.json: dimm \(rec\.config\.json:general\.models\.sasrec\)/);
    expect(e.hint).toMatch(/^Fix or remove it there/);
    // a generative option in a general section reaches an id-based model: the top key of its path is named
    const stray = projectDir('stray-option', { set: { 'backbone.lora.rank': 4 } });
    const s = errorOf(() => runConfigFromFlags({ ...DEFAULTS, model: 'sasrec' }, { flags: { ...defaulted.flags, model: {} } }, { cwd: stray, registry }));
    expect(s.message).toMatch(/"backbone".* — set in .*: backbone\.options\.lora\.rank \(rec\.config\.json:general\)/);
    const missing = projectDir('missing-weights', { datasets: { 'synth*': { backbone: 'no/such.bin' } } });
    const m = errorOf(() => runConfigFromFlags(DEFAULTS, defaulted, { cwd: missing, registry }));
    expect(m.code).toBe('E_DATA_MISSING');
    expect(m.message).toContain('backbone.options.weights (rec.config.json:datasets.synth*)');
  });

  it('--resume without --out is refused', () => {
    expect(() => runConfigFromFlags({ ...DEFAULTS, resume: true }, defaulted, { cwd: tmp })).toThrow(/--resume needs --out/);
  });

  it('--workers / --strategy land in the torch backbone options, and are refused (naming the fix) for the tfjs backbone', () => {
    const r = runConfigFromFlags({ ...DEFAULTS, backbone: 'torch:tiny', workers: 2, strategy: 'fsdp' }, defaulted, { cwd: tmp });
    expect(r.modelConfig.backbone).toEqual({ name: 'torch', options: { model: 'tiny', workers: 2, strategy: 'fsdp' } });
    const e = errorOf(() => runConfigFromFlags({ ...DEFAULTS, workers: 2 }, defaulted, { cwd: tmp }));
    expect(e.code).toBe('E_CONFIG');
    expect(e.message).toMatch(/--workers launches the backbone on PyTorch workers/);
    expect(e.hint).toMatch(/--backbone torch:/);
  });
});
