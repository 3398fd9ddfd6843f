import { RecError, parseJsonText, readTextFileSync } from '@ed2/core';
import { SP_PIECE_TYPE, SentencePieceBpe, type SpPiece } from './sentencepiece-bpe';

interface HfAddedToken {
  id: number;
  content: string;
  special?: boolean;
}
interface HfTokenizerJson {
  added_tokens?: HfAddedToken[];
  normalizer?: { type: string; normalizers?: { type: string }[] } | null;
  pre_tokenizer?: { type: string; prepend_scheme?: string; add_prefix_space?: boolean } | null;
  model?: { type?: string; vocab?: Record<string, number>; merges?: (string | [string, string])[]; byte_fallback?: boolean; unk_token?: string | null };
}

function fail(what: string, problem: string): RecError {
  return new RecError('E_DATA_FORMAT', `${what} is not a LLaMA (SentencePiece-BPE) tokenizer.json: ${problem}`, {
    hint: 'expected a Hugging Face tokenizer.json with a BPE model, a vocab and merges (LLaMA-2 / TinyLlama)',
  });
}

/**
 * Builds the SentencePiece BPE from a Hugging Face `tokenizer.json` object: ids from `model.vocab`; each merged
 * piece scores −(rank of its first merge), which reproduces the rank order of Hugging Face's BPE (its LLaMA
 * merges are the SentencePiece pieces sorted by score); special added tokens are control pieces, multi-character
 * pieces that no merge produces are unused (HF's BPE cannot reach them). Dummy prefix from the `Prepend` normaliser
 * or a `Metaspace` pre-tokeniser. `@huggingface/tokenizers` is used in the tests as an independent cross-check.
 */
export function hfTokenizerFromJson(json: unknown, what = 'tokenizer.json'): SentencePieceBpe {
  const j = json as HfTokenizerJson;
  const model = j?.model;
  if (!model || model.type !== 'BPE' || !model.vocab || !Array.isArray(model.merges)) {
    throw fail(what, `model.type is ${JSON.stringify(model?.type)}${model?.merges ? '' : ' without merges'}`);
  }
  // ids must be 0..n−1 over vocab and added tokens: check them before sizing the piece table by the largest one
  const entries = [...Object.entries(model.vocab).map(([piece, id]) => ({ where: `model.vocab["${piece}"]`, id: id as unknown })), ...(j.added_tokens ?? []).map((t, k) => ({ where: `added_tokens[${k}]`, id: t?.id as unknown }))];
  const limit = entries.length;
  for (const e of entries) {
    if (typeof e.id !== 'number' || !Number.isInteger(e.id) || e.id < 0) throw fail(what, `${e.where}: id ${JSON.stringify(e.id)} is not a non-negative integer`);
    if (e.id >= limit) throw fail(what, `${e.where}: id ${e.id} is beyond the ${limit} vocab and added entries (ids must be 0..${limit - 1})`);
  }
  const size = Math.max(...entries.map((e) => e.id as number)) + 1;
  const pieces: (SpPiece | undefined)[] = new Array(size);
  for (const [piece, id] of Object.entries(model.vocab)) pieces[id] = { piece, score: 0 };
  const rank = new Map<string, number>();
  model.merges.forEach((m, i) => {
    const [a, b] = typeof m === 'string' ? splitMerge(m) : m;
    const merged = a + b;
    if (!rank.has(merged)) rank.set(merged, i);
  });
  for (const p of pieces) {
    if (!p) continue;
    const r = rank.get(p.piece);
    if (r !== undefined) {
      p.score = -r;
      p.type = SP_PIECE_TYPE.normal;
    } else if (/^<0x[0-9A-F]{2}>$/.test(p.piece) && model.byte_fallback) p.type = SP_PIECE_TYPE.byte;
    else p.type = Array.from(p.piece).length > 1 ? SP_PIECE_TYPE.unused : SP_PIECE_TYPE.normal;
  }
  for (const t of j.added_tokens ?? []) {
    pieces[t.id] = { piece: t.content, score: 0, type: t.special ? SP_PIECE_TYPE.control : SP_PIECE_TYPE.userDefined };
  }
  const missing = pieces.findIndex((p) => p === undefined);
  if (missing >= 0) throw fail(what, `token id ${missing} has no entry in the vocab or added_tokens`);
  const byContent = (s: string | null | undefined) => (s ? model.vocab![s] : undefined);
  const norms = j.normalizer?.type === 'Sequence' ? (j.normalizer.normalizers ?? []) : j.normalizer ? [j.normalizer] : [];
  const meta = j.pre_tokenizer?.type === 'Metaspace' ? j.pre_tokenizer : undefined;
  const addDummyPrefix = norms.some((n) => n.type === 'Prepend') || (!!meta && (meta.prepend_scheme ? meta.prepend_scheme !== 'never' : meta.add_prefix_space !== false));
  return new SentencePieceBpe(pieces as SpPiece[], {
    unkId: byContent(model.unk_token) ?? 0,
    bosId: byContent('<s>') ?? 1,
    eosId: byContent('</s>') ?? 2,
    addDummyPrefix,
    removeExtraWhitespaces: false,
  });
}

function splitMerge(m: string): [string, string] {
  const i = m.indexOf(' ', 1);
  return [m.slice(0, i), m.slice(i + 1)];
}

/** Reads a Hugging Face `tokenizer.json` file (see hfTokenizerFromJson). */
export function readHfTokenizerJson(file: string): SentencePieceBpe {
  let text: string;
  try {
    text = readTextFileSync(file);
  } catch (e) {
    throw new RecError('E_DATA_MISSING', `cannot read tokenizer '${file}': ${(e as Error).message}`, { cause: e, hint: 'check the path' });
  }
  return hfTokenizerFromJson(parseJsonText(text, file), `'${file}'`);
}
