import { PLUGIN_API_VERSION, definePlugin, type PluginManifest } from '@ed2/core';
import { alignmentConfig } from './alignment-config';
import { CoPurchaseTask, coPurchaseConfig } from './co-purchase-task';
import { CommentQueryTask, commentQueryConfig } from './comment-query-task';
import { IndexItemTask } from './index-item-task';
import { ItemIndexTask } from './item-index-task';
import { ProfileTask, profileConfig } from './profile-task';
import { SequentialTask, sequentialConfig } from './sequential-task';

const manifest: PluginManifest = {
  meta: { name: '@ed2/tasks', version: '0.1.0', apiVersion: PLUGIN_API_VERSION },
  tasks: {
    sequential: definePlugin({
      summary: 'User index + item history (most recent last) → next item index; valid/test from the held-out items.',
      config: sequentialConfig,
      create: (_scope, config) => new SequentialTask(config),
    }),
    'co-purchase': definePlugin({
      summary: 'Item index + users who bought it (training interactions only) → another such user.',
      config: coPurchaseConfig,
      create: (_scope, config) => new CoPurchaseTask(config),
    }),
    'comment-query': definePlugin({
      summary: "(user, item) → the user's review; (user, search query) → item (query from the review, else from item traits).",
      config: commentQueryConfig,
      create: (_scope, config) => new CommentQueryTask(config),
    }),
    profile: definePlugin({
      summary: "User index + history → preference summary (profile text, reviews, or the history's categories and titles).",
      config: profileConfig,
      create: (_scope, config) => new ProfileTask(config),
    }),
    'item-index': definePlugin({
      summary: 'Item title/description → item index (LC-Rec alignment).',
      config: alignmentConfig,
      create: (_scope, config) => new ItemIndexTask(config),
    }),
    'index-item': definePlugin({
      summary: 'Item index → item title/description (LC-Rec alignment).',
      config: alignmentConfig,
      create: (_scope, config) => new IndexItemTask(config),
    }),
  },
};
export default manifest;
