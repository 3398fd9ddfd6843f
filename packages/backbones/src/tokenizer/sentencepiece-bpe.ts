import { RecError } from '@ed2/core';
import type { Tokenizer } from './tokenizer';

/** One vocabulary entry: piece text (with '▁' for space) and merge score. */
export interface SpPiece {
  piece: string;
  score: number;
}

/**
 * LLaMA-style SentencePiece BPE: dummy prefix '▁', spaces → '▁', merge the adjacent pair whose merged piece has the
 * highest score, byte fallback `<0xXX>`. Hand-written: the merge rule is score-driven, which generic BPE libraries
 * (rank-based merges) do not reproduce from a plain vocab.
 */
export class SentencePieceBpe implements Tokenizer {
  private readonly pieces: SpPiece[];
  private readonly ids = new Map<string, number>();
  private readonly special: string[] = [];
  readonly bosId: number;
  readonly eosId: number;

  constructor(pieces: readonly SpPiece[], opts: { bosId?: number; eosId?: number } = {}) {
    if (pieces.length === 0) throw new RecError('E_CONFIG', 'SentencePiece vocabulary is empty', { hint: 'check the tokenizer file' });
    this.pieces = pieces.map((p) => ({ ...p }));
    this.pieces.forEach((p, i) => {
      if (!this.ids.has(p.piece)) this.ids.set(p.piece, i);
    });
    this.bosId = opts.bosId ?? 1;
    this.eosId = opts.eosId ?? 2;
  }

  get vocabSize(): number {
    return this.pieces.length;
  }

  tokenToId(tok: string): number | undefined {
    return this.ids.get(tok);
  }

  addSpecialTokens(tokens: readonly string[]): number[] {
    return tokens.map((t) => {
      const known = this.ids.get(t);
      if (!this.special.includes(t)) this.special.push(t);
      if (known !== undefined) return known;
      this.pieces.push({ piece: t, score: 0 });
      this.ids.set(t, this.pieces.length - 1);
      return this.pieces.length - 1;
    });
  }

  encode(text: string, opts: { bos?: boolean; eos?: boolean } = {}): number[] {
    const out: number[] = [];
    if (opts.bos) out.push(this.bosId);
    let first = true;
    for (const part of this.splitSpecial(text)) {
      if (part.special) out.push(this.ids.get(part.text) as number);
      else if (part.text.length > 0) {
        out.push(...this.encodePlain(part.text, first));
      }
      first = false;
    }
    if (opts.eos) out.push(this.eosId);
    return out;
  }

  private splitSpecial(text: string): { text: string; special: boolean }[] {
    if (this.special.length === 0) return [{ text, special: false }];
    const esc = [...this.special].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const re = new RegExp(`(${esc.join('|')})`);
    return text.split(re).map((t, i) => ({ text: t, special: i % 2 === 1 }));
  }

  private encodePlain(text: string, dummyPrefix: boolean): number[] {
    const norm = (dummyPrefix ? ' ' + text : text).replace(/ /g, '\u2581');
    // Initial symbols: one per code point, unknown ones become byte tokens.
    const syms: string[] = [];
    for (const ch of norm) syms.push(ch);
    // Simple score-ordered merge loop (O(n^2) worst case; adequate for prompts of a few hundred chars).
    for (;;) {
      let best = -Infinity;
      let at = -1;
      for (let i = 0; i + 1 < syms.length; i++) {
        const id = this.ids.get(syms[i] + syms[i + 1]);
        if (id !== undefined && this.pieces[id].score > best) {
          best = this.pieces[id].score;
          at = i;
        }
      }
      if (at < 0) break;
      syms.splice(at, 2, syms[at] + syms[at + 1]);
    }
    const out: number[] = [];
    for (const s of syms) {
      const id = this.ids.get(s);
      if (id !== undefined) out.push(id);
      else for (const b of Buffer.from(s, 'utf8')) out.push(this.byteId(b));
    }
    return out;
  }

  private byteId(b: number): number {
    const id = this.ids.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    return id ?? 0;
  }

  decodeToken(id: number): string {
    const p = this.pieces[id];
    if (p === undefined) throw new RecError('E_SHAPE', `token id ${id} outside vocabulary of ${this.vocabSize}`, { hint: 'check the ids' });
    return p.piece;
  }

  decode(ids: readonly number[]): string {
    const bytes: number[] = [];
    for (const id of ids) {
      if (id === this.bosId || id === this.eosId) continue;
      const piece = this.decodeToken(id);
      const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(piece);
      if (m) bytes.push(parseInt(m[1], 16));
      else bytes.push(...Buffer.from(piece.replace(/\u2581/g, ' '), 'utf8'));
    }
    const s = Buffer.from(bytes).toString('utf8');
    return s.startsWith(' ') ? s.slice(1) : s;
  }
}
