import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { IndexVocabulary } from '@ed2/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlamaBackbone } from '../llama/create-llama-backbone';
import type { LlamaBackbone } from '../llama/llama-backbone';
import { saveLlamaSafetensors } from '../loaders/save-llama-safetensors';
import { LlamaBackboneConfig } from '../llama/llama-backbone-config';
import { createTorchBackbone } from './create-torch-backbone';
import { findPython } from './find-python';
import type { TorchBackbone } from './torch-backbone';
import { TorchBackboneConfig } from './torch-backbone-config';

const MODELS = join(__dirname, '../../../../../shared/models/stories260K');
const WEIGHTS = join(MODELS, 'stories260K.bin');
const TOKENIZER = join(MODELS, 'tok512.bin');
/** float32 engines summing in different orders (tfjs-node vs PyTorch oneDNN); logits are O(10). */
const LOGIT_TOL = 2e-4;

describe('torch backbone against the tfjs backbone and transformers + peft (stories260K)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'torch-parity-'));
  let llama: LlamaBackbone;
  let torch: TorchBackbone;
  const layout = [{ kind: 'item' as const, prefix: '', levels: 2, codebookSize: 4, suffixes: 1 }];

  beforeAll(async () => {
    for (const p of [WEIGHTS, TOKENIZER]) if (!existsSync(p)) throw new Error(`missing test model file ${p} (see /work/shared/models/README.md)`);
    llama = await createLlamaBackbone(LlamaBackboneConfig.parse({ weights: WEIGHTS, tokenizer: TOKENIZER, seed: 1 }), { seed: 1 });
    await saveLlamaSafetensors(llama.model, join(tmp, 'hf')); // the Hugging Face folder both torch and the peft one-liner read
    torch = await createTorchBackbone(TorchBackboneConfig.parse({ weights: join(tmp, 'hf'), tokenizer: TOKENIZER, seed: 1, threads: 1 }), { seed: 1 });
  });
  afterAll(() => {
    llama?.dispose();
    torch?.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  it(`gives the tfjs backbone's logits, index rows included (max |Δ| < ${LOGIT_TOL})`, () => {
    expect(torch.baseVocabSize).toBe(512);
    const vocab = new IndexVocabulary(layout, 512);
    llama.setIndexVocabulary(vocab);
    torch.setIndexVocabulary(vocab);
    const rows = tf.randomNormal([vocab.size, 64], 0, 0.3, 'float32', 9) as tf.Tensor2D;
    const text = [1, ...llama.tokenize('Once upon a time, there was a little girl')];
    const seqs = [text, [1, ...llama.tokenize('the cat <a_1><b_3>'), 2], [...text.slice(0, 5), vocab.id('<a_0>')!, vocab.id('<p_0>')!]];
    const width = Math.max(...seqs.map((s) => s.length));
    const padded = seqs.map((s) => [...s, ...new Array<number>(width - s.length).fill(0)]);
    const a = tf.tidy(() => llama.model.forward(tf.tensor2d(padded, undefined, 'int32'), { rows }));
    const b = torch.logits(seqs, rows);
    expect(b.shape).toEqual(a.shape);
    expect(b.shape[2]).toBe(512 + vocab.size);
    // compare only real (unpadded) positions
    const mask = tf.tensor3d(padded.map((s, i) => s.map((_, j) => [j < seqs[i].length ? 1 : 0])));
    const diff = tf.tidy(() => tf.max(tf.mul(tf.abs(tf.sub(a, b)), mask)).dataSync()[0]);
    const scale = tf.tidy(() => tf.max(tf.abs(a)).dataSync()[0]);
    expect(scale).toBeGreaterThan(1);
    expect(diff).toBeLessThan(LOGIT_TOL);
    tf.dispose([a, b, rows, mask]);
  });

  it('gives the same response NLL and gradients w.r.t. rows and a straight-through mix (nonzero delta) as the tfjs backbone', () => {
    const vocab = new IndexVocabulary(layout, 512);
    llama.setIndexVocabulary(vocab);
    torch.setIndexVocabulary(vocab);
    const rows = tf.randomNormal([vocab.size, 64], 0, 0.3, 'float32', 11) as tf.Tensor2D;
    const delta = tf.randomNormal([3, vocab.size], 0, 0.5, 'float32', 12) as tf.Tensor2D;
    const a0 = vocab.id('<a_0>')!, b3 = vocab.id('<b_3>')!, a2 = vocab.id('<a_2>')!;
    const batch = [
      { prompt: [1, ...llama.tokenize('the cat'), a0, b3], response: [a2, vocab.id('<b_1>')!, 2] },
      { prompt: [1, ...llama.tokenize('a dog ran')], response: [a0, b3, 2] },
    ];
    // mixes on a prompt token, a response token, and a position past the sequence (dropped by both)
    const mix = { positions: [{ sample: 0, pos: 3 }, { sample: 1, pos: 5 }, { sample: 1, pos: 99 }], delta };
    const run = (bb: LlamaBackbone | TorchBackbone) => {
      const f = (r: tf.Tensor, d: tf.Tensor) => bb.responseNllSum(batch, { rows: r as tf.Tensor2D, mix: { positions: mix.positions, delta: d as tf.Tensor2D } }).sum;
      const { value, grads } = tf.valueAndGrads(f)([rows, delta]);
      return { value: value.dataSync()[0], dRows: grads[0], dDelta: grads[1] };
    };
    const mine = run(llama);
    const theirs = run(torch);
    expect(Math.abs(mine.value - theirs.value)).toBeLessThan(1e-3 * Math.abs(mine.value));
    for (const k of ['dRows', 'dDelta'] as const) {
      const scale = tf.tidy(() => tf.max(tf.abs(theirs[k])).dataSync()[0]);
      expect(scale).toBeGreaterThan(1e-3); // the mix is on the gradient path
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(mine[k], theirs[k]))).dataSync()[0])).toBeLessThan(1e-3 * scale);
    }
    expect(tf.tidy(() => tf.max(tf.abs(tf.slice(theirs.dDelta, [2, 0], [1, -1]))).dataSync()[0])).toBe(0); // dropped position
    tf.dispose([rows, delta, mine.dRows, mine.dDelta, theirs.dRows, theirs.dDelta]);
  });

  it('saves LoRA adapters in PEFT format that transformers + peft load unchanged (same logits)', async () => {
    tf.tidy(() => Object.values(torch.trainableVariables()).forEach((v, i) => v.assign(tf.randomNormal(v.shape, 0, 0.05, 'float32', 100 + i))));
    torch.markUpdated();
    const dir = join(tmp, 'adapters');
    await torch.saveAdapters(dir);
    expect(existsSync(join(dir, 'adapter_config.json'))).toBe(true);
    expect(existsSync(join(dir, 'adapter_model.safetensors'))).toBe(true);
    const ids = [1, ...torch.tokenize('Lily saw a big red ball')];
    const mine = torch.logits([ids]);
    const oneLiner = 'import sys,json,torch;from transformers import LlamaForCausalLM as L;from peft import PeftModel as P;m=P.from_pretrained(L.from_pretrained(sys.argv[1]),sys.argv[2]).eval();print(json.dumps(m(input_ids=torch.tensor([json.loads(sys.argv[3])])).logits[0].tolist()))';
    const out = execFileSync(findPython().python, ['-c', oneLiner, join(tmp, 'hf'), dir, JSON.stringify(ids)], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const theirs = tf.tensor3d([JSON.parse(out.trim().split('\n').pop()!) as number[][]]);
    const base = tf.tidy(() => llama.model.forward(tf.tensor2d([ids], undefined, 'int32')));
    // the adapters change the logits, and peft's model computes the same ones
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(base, tf.slice(mine, [0, 0, 0], [-1, -1, 512])))).dataSync()[0])).toBeGreaterThan(1e-2);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(theirs, tf.slice(mine, [0, 0, 0], [-1, -1, 512])))).dataSync()[0])).toBeLessThan(1e-4);
    tf.dispose([mine, theirs, base]);
  });
});
