import * as path from 'node:path';
import * as os from 'node:os';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Writer } from 'protobufjs/minimal';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSentencePieceModel, readSentencePieceModel } from './read-sentencepiece-model';
import { hfTokenizerFromJson } from './read-hf-tokenizer-json';
import { SP_PIECE_TYPE } from './sentencepiece-bpe';

const DIR = path.resolve(__dirname, '../../../../../shared/models/llama2-tokenizer');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ed2-spm-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A tiny ModelProto written with protobufjs: pieces, trainer spec (model type, ids), normaliser spec. */
function modelProto(modelType: number, removeExtra: boolean): Uint8Array {
  const w = Writer.create();
  const pieces: [string, number, number][] = [['<unk>', 0, 2], ['<s>', 0, 3], ['</s>', 0, 3], ['\u2581', -1, 1], ['a', -2, 1], ['b', -3, 1], ['\u2581a', -1.5, 1], ['ab', -0.5, 1]];
  for (const [p, s, t] of pieces) w.uint32((1 << 3) | 2).fork().uint32((1 << 3) | 2).string(p).uint32((2 << 3) | 5).float(s).uint32((3 << 3) | 0).int32(t).ldelim();
  w.uint32((2 << 3) | 2).fork().uint32((3 << 3) | 0).int32(modelType).uint32((40 << 3) | 0).int32(0).uint32((41 << 3) | 0).int32(1).uint32((42 << 3) | 0).int32(2).ldelim();
  w.uint32((3 << 3) | 2).fork().uint32((1 << 3) | 2).string('identity').uint32((4 << 3) | 0).bool(removeExtra).ldelim();
  return w.finish();
}

describe('SentencePiece tokenizer.model reader', () => {
  it('reads the LLaMA-2 model: types, ids and normaliser flags', () => {
    const m = parseSentencePieceModel(readFileSync(path.join(DIR, 'tokenizer.model')));
    expect(m.pieces.length).toBe(32000);
    expect(m.modelType).toBe(2);
    expect(m.byteFallback).toBe(true);
    expect(m.options).toEqual({ unkId: 0, bosId: 1, eosId: 2, addDummyPrefix: true, removeExtraWhitespaces: false });
    expect(m.pieces.slice(0, 4).map((p) => p.type)).toEqual([SP_PIECE_TYPE.unknown, SP_PIECE_TYPE.control, SP_PIECE_TYPE.control, SP_PIECE_TYPE.byte]);
  });

  it('a hand-written BPE proto: merges by score, removes extra whitespace when asked', () => {
    const file = path.join(tmp, 'bpe.model');
    writeFileSync(file, modelProto(2, true));
    const tok = readSentencePieceModel(file);
    expect(tok.encode('ab')).toEqual([3, 7]); // 'ab' (-0.5) beats '▁a' (-1.5)
    expect(tok.encode('  a  b ')).toEqual(tok.encode('a b'));
    expect(tok.decode(tok.encode('ab', { bos: true, eos: true }))).toBe('ab');
    expect(tok.encode('<s>')).not.toContain(1); // control pieces are never produced from text
  });

  it('rejects unigram models and non-protobuf files', () => {
    const uni = path.join(tmp, 'uni.model');
    writeFileSync(uni, modelProto(1, false));
    expect(() => readSentencePieceModel(uni)).toThrow(/unigram model; only BPE/);
    const junk = path.join(tmp, 'junk.model');
    writeFileSync(junk, Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
    expect(() => readSentencePieceModel(junk)).toThrow(expect.objectContaining({ code: 'E_DATA_FORMAT' }));
  });

  it('tokenizer.json with a Metaspace pre-tokeniser (newer exports) encodes like the Prepend normaliser', () => {
    const json = JSON.parse(readFileSync(path.join(DIR, 'tokenizer.json'), 'utf8'));
    const a = hfTokenizerFromJson(json);
    const b = hfTokenizerFromJson({ ...json, normalizer: null, pre_tokenizer: { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'first', split: false } });
    for (const t of ['Hello world', '  Hello', ' this is 🦙.cpp', '']) expect(b.encode(t)).toEqual(a.encode(t));
    expect(() => hfTokenizerFromJson({ model: { type: 'WordPiece', vocab: {} } })).toThrow(/not a LLaMA/);
  });
});
