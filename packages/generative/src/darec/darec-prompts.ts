import type { ItemSpan } from './context-mask';

/** One tokenised prompt: ids, and the item spans the context mask keeps to themselves. */
export interface DarecPrompt {
  readonly ids: number[];
  readonly spans: ItemSpan[];
}

export interface DarecPromptParts {
  readonly bos: number;
  /** Id of item 0's token (= the LLM's base vocabulary size); item i is `itemBase + i`. */
  readonly itemBase: number;
  readonly numItems: number;
  /** Each item's attribute-text token ids (already cut to the configured length). */
  readonly itemText: readonly (readonly number[])[];
  /** Words → ids (the backbone tokenizer). */
  readonly tokenize: (text: string) => number[];
  /** Put the per-sample user token: `start` (a soft prefix after BOS) or `end` (the read-out position); none when absent. */
  readonly userToken?: 'start' | 'end';
}

/**
 * DARec's prompts. Next item: `<s> history : <item_i> title: …; brand: … ; <item_j> … ; next item : <user_b>`
 * (each `<item_i>` followed by its attribute text forms one item span; `<user_b>` is the b-th row after the item
 * rows, filled per batch with the projected CF user embedding; at `end` it is the read-out position, at `start`
 * a soft prefix right after `<s>`). Alignment: `<s> describe : title: …; … item :`
 * (the text is a span). The item head reads the last position.
 */
export class DarecPrompts {
  private readonly head: number[];
  private readonly sep: number[];
  private readonly tail: number[];
  private readonly describe: number[];
  private readonly askItem: number[];

  constructor(private readonly p: DarecPromptParts) {
    this.head = p.tokenize('history :');
    this.sep = p.tokenize(';');
    this.tail = p.tokenize('next item :');
    this.describe = p.tokenize('describe :');
    this.askItem = p.tokenize('item :');
  }

  /** Words the prompts use (for a word vocabulary learnt from texts). */
  static readonly WORDS = 'history : ; next item : describe :';

  /** `history` (oldest first, already cut to maxHistory) of the b-th sample of a batch. */
  sequential(history: readonly number[], b: number): DarecPrompt {
    const user = this.p.itemBase + this.p.numItems + b;
    const ids = [this.p.bos, ...(this.p.userToken === 'start' ? [user] : []), ...this.head];
    const spans: ItemSpan[] = [];
    for (const item of history) {
      const start = ids.length;
      ids.push(this.p.itemBase + item, ...this.p.itemText[item]);
      spans.push({ start, end: ids.length });
      ids.push(...this.sep);
    }
    ids.push(...this.tail, ...(this.p.userToken === 'end' ? [user] : []));
    return { ids, spans };
  }

  alignment(item: number): DarecPrompt {
    const ids = [this.p.bos, ...this.describe];
    const start = ids.length;
    ids.push(...this.p.itemText[item]);
    const spans = [{ start, end: ids.length }];
    ids.push(...this.askItem);
    return { ids, spans };
  }
}
