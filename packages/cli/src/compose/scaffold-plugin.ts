import { backboneTemplate } from './plugin-templates/backbone-template';
import { commonFiles, type ScaffoldVersions } from './plugin-templates/common-files';
import { datasetTemplate } from './plugin-templates/dataset-template';
import { indexerTemplate } from './plugin-templates/indexer-template';
import type { KindTemplate } from './plugin-templates/kind-template';
import { metricTemplate } from './plugin-templates/metric-template';
import { recommenderTemplate } from './plugin-templates/recommender-template';
import { taskTemplate } from './plugin-templates/task-template';
import { templateNames, type ScaffoldKind, type TemplateNames } from './plugin-templates/template-names';

export { SCAFFOLD_KINDS, type ScaffoldKind } from './plugin-templates/template-names';
export type { ScaffoldVersions } from './plugin-templates/common-files';

const TEMPLATES: Record<ScaffoldKind, KindTemplate> = {
  indexer: indexerTemplate,
  task: taskTemplate,
  backbone: backboneTemplate,
  recommender: recommenderTemplate,
  dataset: datasetTemplate,
  metric: metricTemplate,
};

/**
 * The files of a new plugin package (path → content): package.json with the `"rec": {"plugin": …}` manifest entry
 * (and `"oclif": {}` for oclif's npm installer), a zod config schema, the component, its contract test on the
 * `@ed2/core/testing` suites, README, tsconfig, vitest setup and a changeset. Written by `rec plugins new`.
 */
export function scaffoldPlugin(packageName: string, kind: ScaffoldKind, versions: ScaffoldVersions): { readonly names: TemplateNames; readonly files: Readonly<Record<string, string>> } {
  const names = templateNames(packageName, kind);
  const t = TEMPLATES[kind];
  return { names, files: { ...commonFiles(names, versions, t.peers(versions)), ...t.files(names) } };
}
