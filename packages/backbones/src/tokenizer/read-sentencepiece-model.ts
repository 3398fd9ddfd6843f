import { readFileSync } from 'node:fs';
import { Reader } from 'protobufjs/minimal';
import { RecError } from '@ed2/core';
import { SP_PIECE_TYPE, SentencePieceBpe, type SpOptions, type SpPiece } from './sentencepiece-bpe';

/** Decoded fields of a SentencePiece ModelProto that a BPE tokenizer needs. */
export interface SentencePieceModel {
  pieces: SpPiece[];
  /** TrainerSpec.model_type: 1 unigram, 2 BPE, 3 word, 4 char. */
  modelType: number;
  byteFallback: boolean;
  options: Required<Pick<SpOptions, 'unkId' | 'bosId' | 'eosId' | 'addDummyPrefix' | 'removeExtraWhitespaces'>>;
  normalizerName: string;
}

function fail(file: string, problem: string, cause?: unknown): RecError {
  return new RecError('E_DATA_FORMAT', `'${file}' is not a SentencePiece model: ${problem}`, {
    hint: 'expected a tokenizer.model (sentencepiece ModelProto) file',
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Parses a SentencePiece `tokenizer.model` (protobuf ModelProto) with protobufjs' wire reader: pieces (1: piece,
 * 2: score, 3: type), TrainerSpec (3 model_type, 35 byte_fallback, 40–42 unk/bos/eos ids) and NormalizerSpec
 * (1 name, 3 add_dummy_prefix, 4 remove_extra_whitespaces). Unknown fields are skipped.
 */
export function parseSentencePieceModel(bytes: Uint8Array, file = 'tokenizer.model'): SentencePieceModel {
  const m: SentencePieceModel = {
    pieces: [], modelType: 1, byteFallback: false, normalizerName: '',
    options: { unkId: 0, bosId: 1, eosId: 2, addDummyPrefix: true, removeExtraWhitespaces: true },
  };
  try {
    const r = Reader.create(bytes);
    while (r.pos < r.len) {
      const tag = r.uint32();
      const field = tag >>> 3;
      if (field === 1 && (tag & 7) === 2) {
        const sub = Reader.create(r.bytes());
        const p: SpPiece = { piece: '', score: 0, type: SP_PIECE_TYPE.normal };
        while (sub.pos < sub.len) {
          const t = sub.uint32();
          if (t >>> 3 === 1) p.piece = sub.string();
          else if (t >>> 3 === 2) p.score = sub.float();
          else if (t >>> 3 === 3) p.type = sub.int32();
          else sub.skipType(t & 7);
        }
        m.pieces.push(p);
      } else if (field === 2 && (tag & 7) === 2) {
        const sub = Reader.create(r.bytes());
        while (sub.pos < sub.len) {
          const t = sub.uint32();
          const f = t >>> 3;
          if (f === 3) m.modelType = sub.int32();
          else if (f === 35) m.byteFallback = sub.bool();
          else if (f === 40) m.options.unkId = sub.int32();
          else if (f === 41) m.options.bosId = sub.int32();
          else if (f === 42) m.options.eosId = sub.int32();
          else sub.skipType(t & 7);
        }
      } else if (field === 3 && (tag & 7) === 2) {
        const sub = Reader.create(r.bytes());
        while (sub.pos < sub.len) {
          const t = sub.uint32();
          const f = t >>> 3;
          if (f === 1) m.normalizerName = sub.string();
          else if (f === 3) m.options.addDummyPrefix = sub.bool();
          else if (f === 4) m.options.removeExtraWhitespaces = sub.bool();
          else sub.skipType(t & 7);
        }
      } else r.skipType(tag & 7);
    }
  } catch (e) {
    throw fail(file, `protobuf decoding failed (${(e as Error).message})`, e);
  }
  if (m.pieces.length === 0) throw fail(file, 'it holds no pieces');
  return m;
}

/** Loads a SentencePiece BPE `tokenizer.model` (LLaMA-2's) as a tokenizer. Unigram models are rejected. */
export function readSentencePieceModel(file: string): SentencePieceBpe {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new RecError('E_DATA_MISSING', `cannot read tokenizer '${file}': ${(e as Error).message}`, { cause: e, hint: 'check the path' });
  }
  const m = parseSentencePieceModel(bytes, file);
  if (m.modelType !== 2) {
    throw new RecError('E_UNSUPPORTED', `'${file}' is a SentencePiece ${['?', 'unigram', 'BPE', 'word', 'char'][m.modelType] ?? m.modelType} model; only BPE is supported`, {
      hint: 'LLaMA-1/2 and TinyLlama use BPE',
    });
  }
  return new SentencePieceBpe(m.pieces, m.options);
}
