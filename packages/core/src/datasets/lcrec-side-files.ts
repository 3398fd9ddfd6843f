import { dataFormatError } from './data-format-error';

/** Text fields of one item from `X.item.json`. */
export interface LcrecItemText {
  title?: string;
  description?: string;
  brand?: string;
  categories?: string[];
  extra?: Record<string, string>;
}

/** A review / intention before ids are resolved (ids as the files write them). */
export interface RawReview {
  readonly user: string;
  readonly item: string;
  readonly text: string;
  readonly summary?: string;
  readonly query?: string;
  readonly time?: number;
  /** Where in the file, for errors (`key "(3, 17)"`). */
  readonly where: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() || undefined;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.filter((x) => typeof x === 'string' && x.trim()).join(' ').trim() || undefined;
  return undefined;
}

/**
 * One `X.item.json` entry: `{title, description, brand, categories, ...}`. `categories` may be an
 * array or a comma-separated string (LC-Rec writes the latter); `description` may be a list of
 * paragraphs. Other string fields go to `extra`.
 */
export function parseItemText(value: unknown, file: string, key: string): LcrecItemText {
  if (!isObject(value)) throw dataFormatError(file, `key "${key}"`, `expected an object {title, description, brand, categories}, got ${JSON.stringify(value)?.slice(0, 60)}`);
  const out: LcrecItemText = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'categories' || k === 'category') {
      const list = Array.isArray(v) ? v.flat().map(String) : typeof v === 'string' ? v.split(',') : [];
      const cats = list.map((c) => c.trim()).filter(Boolean);
      if (cats.length) out.categories = cats;
    } else if (k === 'title' || k === 'description' || k === 'brand') {
      const t = text(v);
      if (t !== undefined) out[k] = t;
    } else {
      const t = text(v);
      if (t !== undefined) (out.extra ??= {})[k] = t;
    }
  }
  return out;
}

/**
 * `X.user.json` as LC-Rec's data scripts write it:
 * `{"user_explicit_preference": {"<user>": [general, long-term, short-term] | "text"},
 *   "user_vague_intention": {"train"|"test": {"<user>": {"item": <item>, "inters": [...], "querys": [user-related, item-related]}}}}`.
 * A plain `{"<user>": "profile text" | [texts]}` map is accepted too.
 * Returns the profile text per user and one raw review per intention (query = the user-related
 * intention, text = the item-related one, so the (user, query) → item task has real queries).
 */
export function parseUserJson(data: unknown, file: string): { profiles: Map<string, string>; intents: RawReview[] } {
  if (!isObject(data)) throw dataFormatError(file, undefined, 'expected a JSON object', 'LC-Rec style: {"user_explicit_preference": {...}, "user_vague_intention": {...}}');
  const profiles = new Map<string, string>();
  const intents: RawReview[] = [];
  const lcrec = 'user_explicit_preference' in data || 'user_vague_intention' in data;
  const prefs = lcrec ? data.user_explicit_preference ?? {} : data;
  if (!isObject(prefs)) throw dataFormatError(file, 'key "user_explicit_preference"', 'expected an object keyed by user id');
  for (const [user, v] of Object.entries(prefs)) {
    const t = text(v);
    if (t === undefined) throw dataFormatError(file, `key "${user}"`, `expected preference text or a list of texts, got ${JSON.stringify(v)?.slice(0, 60)}`);
    profiles.set(user, t);
  }
  const vague = lcrec ? data.user_vague_intention ?? {} : {};
  if (!isObject(vague)) throw dataFormatError(file, 'key "user_vague_intention"', 'expected {"train": {...}, "test": {...}}');
  for (const [part, byUser] of Object.entries(vague)) {
    if (!isObject(byUser)) throw dataFormatError(file, `key "user_vague_intention.${part}"`, 'expected an object keyed by user id');
    for (const [user, v] of Object.entries(byUser)) {
      const where = `key "user_vague_intention.${part}.${user}"`;
      const entries = Array.isArray(v) ? v : [v];
      for (const e of entries) {
        if (!isObject(e) || (typeof e.item !== 'number' && typeof e.item !== 'string') || !Array.isArray(e.querys)) {
          throw dataFormatError(file, where, 'expected {"item": <item id>, "querys": [text, ...]}');
        }
        const qs = e.querys.map(text).filter((q): q is string => q !== undefined);
        if (qs.length === 0) continue;
        intents.push({ user, item: String(e.item), query: qs[0]!, text: qs[1] ?? qs[0]!, where });
      }
    }
  }
  return { profiles, intents };
}

const PAIR_KEY = /^\(?\s*['"]?([^,'"()]+?)['"]?\s*,\s*['"]?([^,'"()]+?)['"]?\s*\)?$/;

/**
 * `X.review.json`, in either form LC-Rec's repos use: an object keyed `"(user, item)"` (Python
 * `str((user, item))`) → `{"review": text, "summary": text}`, or a list of
 * `{"user", "item", "review"|"text", "summary"?, "time"|"unixReviewTime"?}`.
 */
export function parseReviewJson(data: unknown, file: string): RawReview[] {
  const out: RawReview[] = [];
  const one = (e: unknown, user: unknown, item: unknown, where: string) => {
    if (!isObject(e)) throw dataFormatError(file, where, 'expected an object {"review": text, "summary"?: text}');
    if ((typeof user !== 'string' && typeof user !== 'number') || (typeof item !== 'string' && typeof item !== 'number')) {
      throw dataFormatError(file, where, 'review has no user/item id');
    }
    const body = text(e.review ?? e.text ?? e.reviewText);
    if (body === undefined) return; // empty reviews are common in Amazon data; skip them
    const summary = text(e.summary);
    const time = e.time ?? e.unixReviewTime ?? e.timestamp;
    if (time !== undefined && (typeof time !== 'number' || !Number.isFinite(time))) throw dataFormatError(file, where, `time ${JSON.stringify(time)} is not a number`);
    out.push({ user: String(user), item: String(item), text: body, where, ...(summary ? { summary } : {}), ...(time !== undefined ? { time } : {}) });
  };
  if (Array.isArray(data)) {
    data.forEach((e, i) => one(e, isObject(e) ? e.user ?? e.reviewerID : undefined, isObject(e) ? e.item ?? e.asin : undefined, `entry ${i}`));
  } else if (isObject(data)) {
    for (const [key, e] of Object.entries(data)) {
      const m = PAIR_KEY.exec(key);
      if (!m) throw dataFormatError(file, `key "${key}"`, 'expected keys of the form "(user, item)"');
      one(e, m[1], m[2], `key "${key}"`);
    }
  } else {
    throw dataFormatError(file, undefined, 'expected an object keyed "(user, item)" or a list of reviews');
  }
  return out;
}
