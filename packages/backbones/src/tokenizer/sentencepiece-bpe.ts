import { RecError } from '@ed2/core';
import type { Tokenizer } from './tokenizer';
import { spmBpeMerge } from './spm-bpe-merge';

/** SentencePiece piece types (sentencepiece_model.proto; the same numbers as GGUF `tokenizer.ggml.token_type`). */
export const SP_PIECE_TYPE = { normal: 1, unknown: 2, control: 3, userDefined: 4, unused: 5, byte: 6 } as const;

/** One vocabulary entry: piece text (with '▁' for space), merge score and (optionally) its SentencePiece type. */
export interface SpPiece {
  piece: string;
  score: number;
  /** SP_PIECE_TYPE value; absent = normal (byte pieces `<0xXX>` are still used for byte fallback). */
  type?: number;
}

/** Special ids and normalisation switches of a SentencePiece model. */
export interface SpOptions {
  bosId?: number;
  eosId?: number;
  unkId?: number;
  /** Prepend '▁' to the text (SentencePiece add_dummy_prefix; LLaMA: true). */
  addDummyPrefix?: boolean;
  /** Trim and collapse runs of spaces (SentencePiece remove_extra_whitespaces; LLaMA: false). */
  removeExtraWhitespaces?: boolean;
}

const MERGEABLE = new Set<number | undefined>([undefined, SP_PIECE_TYPE.normal, SP_PIECE_TYPE.userDefined]);

/**
 * LLaMA-style SentencePiece BPE: dummy prefix '▁', spaces → '▁', merge the adjacent pair whose merged piece has the
 * highest score (priority queue, O(n log n)), byte fallback `<0xXX>`. Control, unused and byte pieces never take
 * part in merges. Hand-written: the merge rule is score-driven, which rank-based BPE libraries only reproduce
 * through a merges list; the same class serves tokenizer.model, tokenizer.json, tokenizer.bin and GGUF vocabularies.
 */
export class SentencePieceBpe implements Tokenizer {
  private readonly pieces: SpPiece[];
  private readonly ids = new Map<string, number>();
  private readonly special: string[] = [];
  private specialRe: RegExp | undefined;
  readonly bosId: number;
  readonly eosId: number;
  readonly unkId: number;
  readonly addDummyPrefix: boolean;
  readonly removeExtraWhitespaces: boolean;

  constructor(pieces: readonly SpPiece[], opts: SpOptions = {}) {
    if (pieces.length === 0) throw new RecError('E_CONFIG', 'SentencePiece vocabulary is empty', { hint: 'check the tokenizer file' });
    this.pieces = pieces.map((p) => ({ ...p }));
    this.pieces.forEach((p, i) => {
      if (!this.ids.has(p.piece)) this.ids.set(p.piece, i);
    });
    this.bosId = opts.bosId ?? 1;
    this.eosId = opts.eosId ?? 2;
    this.unkId = opts.unkId ?? 0;
    this.addDummyPrefix = opts.addDummyPrefix ?? true;
    this.removeExtraWhitespaces = opts.removeExtraWhitespaces ?? false;
  }

  get vocabSize(): number {
    return this.pieces.length;
  }

  tokenToId(tok: string): number | undefined {
    return this.ids.get(tok);
  }

  /** Score and type of a token id (undefined outside the vocabulary). */
  pieceInfo(id: number): Readonly<SpPiece> | undefined {
    return this.pieces[id];
  }

  addSpecialTokens(tokens: readonly string[]): number[] {
    const out = tokens.map((t) => {
      const known = this.ids.get(t);
      if (!this.special.includes(t)) this.special.push(t);
      if (known !== undefined) return known;
      this.pieces.push({ piece: t, score: 0, type: SP_PIECE_TYPE.userDefined });
      this.ids.set(t, this.pieces.length - 1);
      return this.pieces.length - 1;
    });
    const esc = [...this.special].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.specialRe = esc.length ? new RegExp(`(${esc.join('|')})`) : undefined;
    return out;
  }

  encode(text: string, opts: { bos?: boolean; eos?: boolean } = {}): number[] {
    const out: number[] = [];
    if (opts.bos) out.push(this.bosId);
    const parts = this.splitSpecial(text);
    parts.forEach((part, i) => {
      if (part.special) out.push(this.ids.get(part.text) as number);
      else if (part.text.length > 0) out.push(...this.encodePlain(part.text, i === 0, i === parts.length - 1));
    });
    if (opts.eos) out.push(this.eosId);
    return out;
  }

  private splitSpecial(text: string): { text: string; special: boolean }[] {
    if (!this.specialRe) return [{ text, special: false }];
    return text.split(this.specialRe).map((t, i) => ({ text: t, special: i % 2 === 1 }));
  }

  private mergeScore = (piece: string): number | undefined => {
    const id = this.ids.get(piece);
    if (id === undefined) return undefined;
    const p = this.pieces[id];
    return MERGEABLE.has(p.type) ? p.score : undefined;
  };

  private encodePlain(text: string, atStart: boolean, atEnd: boolean): number[] {
    let t = text;
    if (this.removeExtraWhitespaces) {
      t = t.replace(/ {2,}/g, ' ');
      if (atStart) t = t.replace(/^ /, '');
      if (atEnd) t = t.replace(/ $/, '');
      if (t.length === 0) return [];
    }
    const norm = (atStart && this.addDummyPrefix ? ' ' + t : t).replace(/ /g, '\u2581');
    const out: number[] = [];
    for (const s of spmBpeMerge(Array.from(norm), this.mergeScore)) {
      const id = this.ids.get(s);
      if (id !== undefined && this.pieces[id].type !== SP_PIECE_TYPE.unused) out.push(id);
      else for (const b of Buffer.from(s, 'utf8')) out.push(this.byteId(b));
    }
    return out;
  }

  private byteId(b: number): number {
    const id = this.ids.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    return id ?? this.unkId;
  }

  decodeToken(id: number): string {
    const p = this.pieces[id];
    if (p === undefined) throw new RecError('E_SHAPE', `token id ${id} outside vocabulary of ${this.vocabSize}`, { hint: 'check the ids' });
    return p.piece;
  }

  decode(ids: readonly number[]): string {
    const bytes: number[] = [];
    for (const id of ids) {
      if (id === this.bosId || id === this.eosId || this.pieces[id]?.type === SP_PIECE_TYPE.control) continue;
      const piece = this.decodeToken(id);
      const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(piece);
      if (m) bytes.push(parseInt(m[1], 16));
      else bytes.push(...Buffer.from(piece.replace(/\u2581/g, ' '), 'utf8'));
    }
    const s = Buffer.from(bytes).toString('utf8');
    return this.addDummyPrefix && s.startsWith(' ') ? s.slice(1) : s;
  }
}
