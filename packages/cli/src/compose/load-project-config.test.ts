import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProjectConfig } from './load-project-config';

const tmp = mkdtempSync(join(tmpdir(), 'rec-project-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A folder holding one rec.config.json with `text`. */
function project(name: string, text: string): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'rec.config.json'), text);
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

describe('loadProjectConfig', () => {
  it('no rec.config.json in the working directory: none; a missing --config-file is an error naming it', () => {
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    expect(loadProjectConfig({ cwd: empty })).toBeUndefined();
    const e = errorOf(() => loadProjectConfig({ cwd: empty, file: 'nope/rec.json' }));
    expect(e.code).toBe('E_CONFIG');
    expect(e.message).toContain('--config-file nope/rec.json cannot be read');
  });

  it('reads a file with a byte-order mark and CRLF line ends', () => {
    const dir = project('bom', '\uFEFF{\r\n  "epochs": 3,\r\n  "datasets": {"amazon-*": {"backbone": "llama:mini"}}\r\n}\r\n');
    const p = loadProjectConfig({ cwd: dir })!;
    expect(p.label).toBe('rec.config.json');
    expect(p.config).toEqual({ epochs: 3, datasets: { 'amazon-*': { backbone: 'llama:mini' } } });
  });

  it('a JSON syntax error names the file, line and column (E_CONFIG)', () => {
    const dir = project('syntax', '{\n  "epochs": 3,\n}\n');
    const e = errorOf(() => loadProjectConfig({ cwd: dir }));
    expect(e.code).toBe('E_CONFIG');
    expect(e.message).toMatch(/rec\.config\.json.*line 3, column 1/);
  });

  it('an unknown key is named with its section and the closest known key', () => {
    const dir = project('typo', JSON.stringify({ datasets: { 'amazon-*': { backbon: 'llama:mini' } } }));
    const e = errorOf(() => loadProjectConfig({ cwd: dir }));
    expect(e.code).toBe('E_CONFIG');
    expect(e.message).toContain('datasets.amazon-*: unknown key "backbon" (did you mean "backbone"');
    expect(e.hint).toMatch(/"set": \{"<dotted model option>": value\}/);
  });

  it('a model option written as a section key is refused with the "set" fix; a wrong type names its key', () => {
    const dir = project('option', JSON.stringify({ dim: 64, models: { sasrec: { epochs: 'ten' } } }));
    const e = errorOf(() => loadProjectConfig({ cwd: dir }));
    expect(e.message).toContain('(top level): unknown key "dim"');
    expect(e.message).toMatch(/models\.sasrec\.epochs: Invalid input: expected number/);
    const m = errorOf(() => loadProjectConfig({ cwd: project('model-in-model', JSON.stringify({ datasets: { x: { models: { ed2: { model: 'sasrec' } } } } })) }));
    expect(m.message).toContain('datasets.x.models.ed2: unknown key "model"');
  });

  it('paths in the file are relative to the file; presets, names and absolute paths stay', () => {
    const dir = project(join('nested', 'sub'), JSON.stringify({
      dataset: './data/mine',
      backbone: 'weights/model.bin',
      tokenizer: '/abs/tok.model',
      datasets: {
        'amazon-*': { backbone: 'llama:mini', 'item-features': 'run:runs/sasrec', models: { ed2: { tokenizer: 'tok.bin' } } },
        synthetic: { backbone: 'llama:w/x.gguf' },
      },
    }));
    const p = loadProjectConfig({ cwd: tmp, file: join(dir, 'rec.config.json') })!;
    expect(p.config.dataset).toBe(join('nested', 'sub', 'data', 'mine'));
    expect(p.config.backbone).toBe(join('nested', 'sub', 'weights', 'model.bin'));
    expect(p.config.tokenizer).toBe('/abs/tok.model');
    expect(p.config.datasets!['amazon-*'].backbone).toBe('llama:mini');
    expect(p.config.datasets!['amazon-*']['item-features']).toBe(`run:${join('nested', 'sub', 'runs', 'sasrec')}`);
    expect(p.config.datasets!['amazon-*'].models!.ed2.tokenizer).toBe(join('nested', 'sub', 'tok.bin'));
    expect(p.config.datasets!.synthetic.backbone).toBe(`llama:${join('nested', 'sub', 'w', 'x.gguf')}`);
    // a registered dataset name is not a path
    const named = loadProjectConfig({ cwd: tmp, file: join(project('named', JSON.stringify({ dataset: 'synthetic' })), 'rec.config.json') })!;
    expect(named.config.dataset).toBe('synthetic');
  });
});
