import type { PluginManifest } from '@ed2/core';
import core from '@ed2/core/plugin';
import backbones from '@ed2/backbones/plugin';
import baselines from '@ed2/baselines/plugin';
import evaluation from '@ed2/eval/plugin';
import generative from '@ed2/generative/plugin';
import indexers from '@ed2/indexers/plugin';
import tasks from '@ed2/tasks/plugin';

/** The plugins that ship with `rec` (registration list; third-party ones come from `rec plugins`). */
export const FIRST_PARTY_PLUGINS: readonly PluginManifest[] = [core, evaluation, indexers, backbones, tasks, baselines, generative];
