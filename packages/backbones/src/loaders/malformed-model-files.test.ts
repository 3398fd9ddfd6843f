import * as os from 'node:os';
import * as path from 'node:path';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecError, Rng } from '@ed2/core';
import { LlamaConfig } from '../llama/llama-config';
import { LlamaModel } from '../llama/llama-model';
import { readHfTokenizerJson } from '../tokenizer/read-hf-tokenizer-json';
import { loadHfSafetensors } from './hf-safetensors-loader';
import { saveLlamaSafetensors } from './save-llama-safetensors';

// Malformed weights / tokenizer / config files as users have them, built here in a temp folder.
const TOKENIZER = path.resolve(__dirname, '../../../../../shared/models/llama2-tokenizer/tokenizer.json');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ed2-bad-model-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const BOM = '\uFEFF';
let n = 0;

/** The call rejects with E_DATA_FORMAT whose message matches every pattern, and a hint. */
async function fails(run: () => unknown, ...patterns: RegExp[]): Promise<void> {
  const err = await Promise.resolve()
    .then(run)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(RecError.is(err, 'E_DATA_FORMAT'), `expected E_DATA_FORMAT, got ${String(err)}`).toBe(true);
  for (const p of patterns) expect((err as RecError).message).toMatch(p);
  expect((err as RecError).hint).toBeTruthy();
}

describe('Hugging Face checkpoint folders with odd files', () => {
  let good: string;
  let cfg: Record<string, unknown>;
  /** A copy of the good checkpoint with config.json replaced by `text`. */
  const withConfig = (text: string) => {
    const dir = path.join(tmp, `c${n++}`);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'model.safetensors'), readFileSync(path.join(good, 'model.safetensors')));
    writeFileSync(path.join(dir, 'config.json'), text);
    return dir;
  };
  beforeAll(async () => {
    const small = LlamaConfig.parse({ dim: 8, nLayers: 1, nHeads: 2, nKvHeads: 2, hiddenDim: 12, vocabSize: 10, maxSeqLen: 8 });
    const m = new LlamaModel(small, undefined, new Rng(1));
    good = path.join(tmp, 'good');
    await saveLlamaSafetensors(m, good);
    m.dispose();
    cfg = JSON.parse(readFileSync(path.join(good, 'config.json'), 'utf8')) as Record<string, unknown>;
  });

  it('a config.json with a BOM and CRLF line ends loads the same weights', async () => {
    const plain = await loadHfSafetensors(good);
    const odd = await loadHfSafetensors(withConfig(BOM + JSON.stringify(cfg, null, 2).replace(/\n/g, '\r\n')));
    expect(odd.config).toEqual(plain.config);
    expect([...odd.tensors.keys()]).toEqual([...plain.tensors.keys()]);
    for (const [k, t] of plain.tensors) expect(Array.from(odd.tensors.get(k)!.data)).toEqual(Array.from(t.data));
  });

  it('a sharded index with a BOM and CRLF is read; one without weight_map names the key', async () => {
    const dir = withConfig(JSON.stringify(cfg));
    const names = [...(await loadHfSafetensors(good)).tensors.keys()];
    const map = Object.fromEntries(names.map((k) => [k, 'model.safetensors']));
    writeFileSync(path.join(dir, 'model.safetensors.index.json'), BOM + JSON.stringify({ metadata: {}, weight_map: map }, null, 1).replace(/\n/g, '\r\n'));
    expect((await loadHfSafetensors(dir)).tensors.size).toBe(names.length);
    writeFileSync(path.join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: [] }));
    await fails(() => loadHfSafetensors(dir), /model\.safetensors\.index\.json/, /key "weight_map"/);
  });

  it('wrong JSON types, missing keys and broken JSON in config.json name the file and key', async () => {
    await fails(() => loadHfSafetensors(withConfig(JSON.stringify({ ...cfg, hidden_size: '8' }))), /config\.json/, /key "hidden_size"/, /"8" is not a positive integer/);
    await fails(() => loadHfSafetensors(withConfig(JSON.stringify({ ...cfg, num_hidden_layers: 1.5 }))), /key "num_hidden_layers"/, /1\.5 is not a positive integer/);
    await fails(() => loadHfSafetensors(withConfig(JSON.stringify({ ...cfg, rms_norm_eps: -1 }))), /key "rms_norm_eps"/, /positive number/);
    await fails(() => loadHfSafetensors(withConfig(JSON.stringify({ ...cfg, eos_token_id: [2, -1] }))), /key "eos_token_id"/, /non-negative integer token id/);
    const { vocab_size: _v, ...noVocab } = cfg;
    await fails(() => loadHfSafetensors(withConfig(JSON.stringify(noVocab))), /config\.json/, /key "vocab_size" is missing/);
    await fails(() => loadHfSafetensors(withConfig('{\n  "model_type": "llama",\n  "hidden_size": 8,,\n}')), /config\.json/, /line 3/, /invalid JSON/);
    await fails(() => loadHfSafetensors(withConfig(BOM)), /config\.json/, /empty/);
  });
});

describe('tokenizer.json with odd files', () => {
  let json: { model: { vocab: Record<string, number> }; added_tokens: { id: number; content: string }[] };
  const write = (text: string) => {
    const f = path.join(tmp, `t${n++}.json`);
    writeFileSync(f, text);
    return f;
  };
  beforeAll(() => {
    if (!existsSync(TOKENIZER)) throw new Error(`missing ${TOKENIZER} (see /work/shared/models/README.md)`);
    json = JSON.parse(readFileSync(TOKENIZER, 'utf8')) as typeof json;
  });

  it('a BOM and CRLF line ends encode like the original file', () => {
    const plain = readHfTokenizerJson(TOKENIZER);
    const odd = readHfTokenizerJson(write(BOM + JSON.stringify(json, null, 1).replace(/\n/g, '\r\n')));
    const text = 'Hello world, CRLF\r\nand a BOM.';
    expect(odd.encode(text)).toEqual(plain.encode(text));
    expect(odd.vocabSize).toBe(plain.vocabSize);
  });

  it('negative, fractional and huge ids name the entry (no table sized by the largest id)', async () => {
    const withId = (piece: string, id: unknown) => write(JSON.stringify({ ...json, model: { ...json.model, vocab: { ...json.model.vocab, [piece]: id } } }));
    await fails(() => readHfTokenizerJson(withId('▁the', -4)), /model\.vocab\["▁the"\]/, /-4 is not a non-negative integer/);
    await fails(() => readHfTokenizerJson(withId('▁the', 2.5)), /model\.vocab\["▁the"\]/, /2\.5/);
    await fails(() => readHfTokenizerJson(withId('▁the', '7')), /model\.vocab\["▁the"\]/, /"7"/);
    await fails(() => readHfTokenizerJson(withId('▁the', 4_000_000_000)), /model\.vocab\["▁the"\]/, /id 4000000000 is beyond/);
    await fails(() => readHfTokenizerJson(write('{"model": ')), /t\d+\.json/, /invalid JSON/);
  });
});
