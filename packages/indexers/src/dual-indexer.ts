import type * as tf from '@tensorflow/tfjs-core';
import { RecError } from '@ed2/core';
import type { DualIndex, Indexer, IndexerFitOptions, IndexerFitReport } from '@ed2/core';
import { join } from 'node:path';

/**
 * ED²'s dual index: an item branch and a user branch (any Indexer each, usually two `hvqae`) whose
 * token sets are disjoint (different prefixes), fitted, assigned, saved and disposed together.
 */
export class DualIndexer {
  constructor(
    readonly item: Indexer,
    readonly user: Indexer,
  ) {
    if (item.kind !== 'item' || user.kind !== 'user') {
      throw new RecError('E_CONFIG', `DualIndexer: expected an item and a user branch, got ${item.kind} and ${user.kind}`, { hint: "Create the branches with kind: 'item' and kind: 'user'." });
    }
    if (item.prefix === user.prefix) {
      throw new RecError('E_CONFIG', `DualIndexer: both branches use the token prefix "${item.prefix}"`, { hint: "Give the user branch another prefix (default 'u_')." });
    }
  }

  async fit(itemX: tf.Tensor2D, userX: tf.Tensor2D, options: IndexerFitOptions = {}): Promise<{ item: IndexerFitReport; user: IndexerFitReport }> {
    return { item: await this.item.fit(itemX, options), user: await this.user.fit(userX, options) };
  }

  async assign(itemX: tf.Tensor2D, userX: tf.Tensor2D): Promise<{ item: Int32Array; user: Int32Array }> {
    return { item: await this.item.assign(itemX), user: await this.user.assign(userX) };
  }

  /** Both branches' indices; throws if their vocabularies overlap. */
  index(): DualIndex {
    const item = this.item.index();
    const user = this.user.index();
    const items = new Set(item.vocabulary);
    const shared = user.vocabulary.find((t) => items.has(t));
    if (shared !== undefined) throw new RecError('E_CONFIG', `DualIndexer: token ${shared} is in both the item and the user vocabulary`);
    return { item, user };
  }

  /** The extended vocabulary for the backbone: item tokens, then user tokens. */
  vocabulary(): string[] {
    const { item, user } = this.index();
    return [...item.vocabulary, ...(user?.vocabulary ?? [])];
  }

  variables(): tf.Variable[] {
    return [...this.item.variables(), ...this.user.variables()];
  }

  async save(dir: string): Promise<void> {
    await this.item.save(join(dir, 'item'));
    await this.user.save(join(dir, 'user'));
  }

  async load(dir: string): Promise<void> {
    await this.item.load(join(dir, 'item'));
    await this.user.load(join(dir, 'user'));
  }

  dispose(): void {
    this.item.dispose();
    this.user.dispose();
  }
}
