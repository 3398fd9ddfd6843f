/** Dense integer ids: items 0..numItems-1, users 0..numUsers-1. */
export type ItemId = number;
export type UserId = number;

/** An item with its (optional) text fields. `key` is the dataset's own id (e.g. an ASIN). */
export interface ItemRecord {
  readonly id: ItemId;
  readonly key: string;
  readonly title?: string;
  readonly description?: string;
  readonly brand?: string;
  readonly categories?: readonly string[];
  /** Any further text the dataset gives (e.g. ml-100k year/genres), free-form. */
  readonly extra?: Readonly<Record<string, string>>;
}

/** A user with optional profile text and attributes (e.g. ml-100k age/gender/occupation). */
export interface UserRecord {
  readonly id: UserId;
  readonly key: string;
  readonly profile?: string;
  readonly attributes?: Readonly<Record<string, string>>;
}

/** A user's comment on an item (review text), and optionally the search query that led to it. */
export interface Review {
  readonly user: UserId;
  readonly item: ItemId;
  readonly text: string;
  readonly summary?: string;
  readonly query?: string;
  readonly time?: number;
}

/**
 * What every dataset plugin returns. `sequences[u]` is user u's full chronological item sequence
 * (training + validation + test items); `timestamps[u]`, where known, is aligned with it.
 */
export interface Corpus {
  readonly name: string;
  readonly items: readonly ItemRecord[];
  readonly users: readonly UserRecord[];
  readonly sequences: readonly (readonly ItemId[])[];
  readonly timestamps?: readonly (readonly number[])[];
  readonly reviews?: readonly Review[];
  /** Where the data came from (paths, generator config), for reports. */
  readonly source: Readonly<Record<string, unknown>>;
}
