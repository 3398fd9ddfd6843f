import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The installed `rec` binary (packages/cli/bin/run.js → dist, built by `npm ci`'s postinstall or
// `npx tsc -b tsconfig.build.json`). It runs from the repository root, so model paths read `../shared/...`.
const ROOT = resolve(__dirname, '..');
const BIN = resolve(ROOT, 'packages/cli/bin/run.js');
const STORIES = '../shared/models/stories260K/stories260K.bin';
const STORIES_GGUF = '../shared/models/stories260K/stories260K.f32.gguf';
const TOK512 = '../shared/models/stories260K/tok512.bin';
const LLAMA2_TOK = '../shared/models/llama2-tokenizer/tokenizer.model';
// from ../shared/models/README.md: BOS only, greedy, 64 steps
const GOLDEN =
  'Once upon a time, there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. She wanted to play with it, but it was too high.';

/** A missing model file fails the test naming it (never a skip). */
function need(...files: string[]): void {
  expect(existsSync(resolve(ROOT, 'packages/cli/dist/commands/generate.js')), 'packages/cli/dist/commands/generate.js is not built: run `npx tsc -b tsconfig.build.json`').toBe(true);
  for (const f of files) expect(existsSync(resolve(ROOT, f)), `missing model file ${resolve(ROOT, f)} (${f} from the repository root)`).toBe(true);
}

function rec(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: ROOT, timeout: 120_000, env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('rec generate', () => {
  it('stories260K greedy from BOS prints the golden text', () => {
    need(STORIES, TOK512);
    const r = rec('generate', '--weights', STORIES, '--tokenizer', TOK512, '--greedy', '--steps', '64');
    expect(r.err).not.toMatch(/error \[/);
    expect(r.code).toBe(0);
    expect(r.out.startsWith(GOLDEN)).toBe(true);
  });

  it('a tokenizer whose vocabulary differs from the model is refused naming both sizes', () => {
    need(STORIES, LLAMA2_TOK);
    const r = rec('generate', '--weights', STORIES, '--tokenizer', LLAMA2_TOK, '--greedy', '--steps', '4');
    expect(r.code).not.toBe(0);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/error \[E_SHAPE\]: tokenizer .*tokenizer\.model' has 32000 tokens but the model .*stories260K\.bin' has a vocabulary of 512/);
    expect(r.err).toMatch(/fix: .*512 tokens/);
  });

  it('missing files and unknown formats: a clear error naming them and the fix', () => {
    need(TOK512);
    const missing = rec('generate', '--weights', '../shared/models/stories260K/nowhere.bin', '--tokenizer', TOK512);
    expect(missing.code).toBe(3); // data errors exit 3 (README "Exit codes")
    expect(missing.err).toMatch(/error \[E_DATA_MISSING\]: --weights '\.\.\/shared\/models\/stories260K\/nowhere\.bin' does not exist/);
    expect(missing.err).toMatch(/fix: /);
    const format = rec('generate', '--weights', STORIES, '--tokenizer', TOK512, '--format', 'ggml');
    expect(format.code).toBe(2);
    expect(format.err).toMatch(/error \[E_CONFIG\]: unknown checkpoint format "ggml"/);
    expect(format.err).toMatch(/fix: .*bin, gguf, safetensors/);
  });

  it('seeded sampling repeats itself; beam search continues the prompt (GGUF with its own vocabulary)', () => {
    need(STORIES, TOK512, STORIES_GGUF);
    const sample = () => rec('generate', '-w', STORIES, '-t', TOK512, '--prompt', 'The dog', '--temperature', '0.8', '--top-p', '0.9', '--seed', '7', '--steps', '20');
    const [a, b] = [sample(), sample()];
    expect(a.code).toBe(0);
    expect(a.out.startsWith('The dog')).toBe(true);
    expect(b.out).toBe(a.out);
    const beam = rec('generate', '-w', STORIES_GGUF, '-t', STORIES_GGUF, '--prompt', 'Once upon a time', '--beams', '3', '--steps', '12');
    expect(beam.err).not.toMatch(/error \[/);
    expect(beam.code).toBe(0);
    expect(beam.out.startsWith('Once upon a time,')).toBe(true);
  });
});
