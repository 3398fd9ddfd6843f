import { RecError } from '@ed2/core';
import type { Tokenizer } from './tokenizer';

const PIECE = /<[^<>\s]+>|[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu;
const SPECIALS = ['<unk>', '<s>', '</s>', '<pad>'] as const;

/**
 * Word-level tokenizer for a randomly initialised backbone (the embedded default, where no pretrained tokenizer
 * exists): lower-cased words, numbers and single punctuation marks, learnt from the run's own texts (sorted, so
 * the same texts give the same ids); anything else is `<unk>`. Added special tokens (`<a_12>`) are matched as
 * whole pieces. Ids: 0 `<unk>`, 1 `<s>`, 2 `</s>`, 3 `<pad>`, then words, then added tokens. Hand-written: a
 * SentencePiece model needs training data and a trainer we do not ship, and a random LLaMA gains nothing from
 * sub-words; its vocabulary (a few thousand words) keeps the LM head small.
 */
export class WordTokenizer implements Tokenizer {
  readonly bosId = 1;
  readonly eosId = 2;
  readonly padId = 3;
  readonly unkId = 0;
  private readonly pieces: string[];
  private readonly ids = new Map<string, number>();
  private readonly special = new Set<string>();

  constructor(words: readonly string[]) {
    this.pieces = [...SPECIALS, ...words];
    this.pieces.forEach((p, i) => {
      if (this.ids.has(p)) throw new RecError('E_CONFIG', `WordTokenizer: "${p}" appears twice in the vocabulary`, { hint: 'Build it with WordTokenizer.fromTexts.' });
      this.ids.set(p, i);
    });
    for (const s of SPECIALS) this.special.add(s);
  }

  /** Vocabulary of every word in `texts` (at least `minCount` times), sorted. Index-like pieces `<…>` are left out. */
  static fromTexts(texts: Iterable<string>, minCount = 1): WordTokenizer {
    const counts = new Map<string, number>();
    for (const t of texts) {
      for (const m of t.toLowerCase().matchAll(PIECE)) {
        const w = m[0];
        if (w.startsWith('<') && w.length > 1) continue;
        counts.set(w, (counts.get(w) ?? 0) + 1);
      }
    }
    const words = [...counts].filter(([w, c]) => c >= minCount && !(SPECIALS as readonly string[]).includes(w)).map(([w]) => w).sort();
    return new WordTokenizer(words);
  }

  /** The learnt words (for saving: `new WordTokenizer(words)` rebuilds the same ids). */
  words(): string[] {
    return this.pieces.slice(SPECIALS.length).filter((p) => !this.special.has(p));
  }

  get vocabSize(): number {
    return this.pieces.length;
  }

  encode(text: string, opts: { bos?: boolean; eos?: boolean } = {}): number[] {
    const out: number[] = opts.bos ? [this.bosId] : [];
    for (const m of text.matchAll(PIECE)) {
      const w = m[0];
      const special = w.length > 2 && w.startsWith('<') ? this.ids.get(w) : undefined;
      if (special !== undefined && this.special.has(w)) out.push(special);
      else out.push(this.ids.get(w.toLowerCase()) ?? this.unkId);
    }
    if (opts.eos) out.push(this.eosId);
    return out;
  }

  decode(ids: readonly number[]): string {
    return ids.filter((i) => i !== this.bosId && i !== this.padId).map((i) => this.decodeToken(i)).join(' ');
  }

  decodeToken(id: number): string {
    return this.pieces[id] ?? '<unk>';
  }

  addSpecialTokens(tokens: readonly string[]): number[] {
    return tokens.map((t) => {
      const known = this.ids.get(t);
      this.special.add(t);
      if (known !== undefined) return known;
      this.pieces.push(t);
      this.ids.set(t, this.pieces.length - 1);
      return this.pieces.length - 1;
    });
  }

  tokenToId(tok: string): number | undefined {
    return this.ids.get(tok);
  }
}
