import { RecError } from '@ed2/core';

/** The kinds `rec plugins new --kind` scaffolds (singular), and their manifest key. */
export const SCAFFOLD_KINDS = ['indexer', 'task', 'backbone', 'recommender', 'dataset', 'metric'] as const;
export type ScaffoldKind = (typeof SCAFFOLD_KINDS)[number];

/** Names derived from a package name: `@acme/rec-plugin-quantile` → component `quantile`, class `QuantileIndexer`. */
export interface TemplateNames {
  readonly packageName: string;
  /** Registered component name (kebab-case). */
  readonly component: string;
  /** camelCase of the component, for identifiers. */
  readonly camel: string;
  /** PascalCase class name with the kind as suffix. */
  readonly className: string;
  /** File stem of the class (kebab-case). */
  readonly fileStem: string;
  readonly kind: ScaffoldKind;
}

const NPM_NAME = /^(?:@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;

export function templateNames(packageName: string, kind: ScaffoldKind): TemplateNames {
  if (!NPM_NAME.test(packageName) || packageName.length > 214) {
    throw new RecError('E_CONFIG', `"${packageName}" is not a valid npm package name`, { hint: 'Use lower case letters, digits and -, optionally with a @scope/, e.g. rec-plugin-quantile.' });
  }
  const base = packageName.replace(/^@[^/]+\//, '').replace(/^rec-plugin-/, '').replace(/[._]/g, '-');
  const component = base.replace(/-+/g, '-').replace(/^-|-$/g, '');
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(component)) {
    throw new RecError('E_CONFIG', `cannot derive a component name from "${packageName}" (got "${component}")`, { hint: 'Start the name (after rec-plugin-) with a letter, e.g. rec-plugin-quantile.' });
  }
  const parts = component.split('-');
  const pascal = parts.map((p) => p[0].toUpperCase() + p.slice(1)).join('');
  const camel = pascal[0].toLowerCase() + pascal.slice(1);
  const suffix = kind[0].toUpperCase() + kind.slice(1);
  return { packageName, component, camel, className: `${pascal}${suffix}`, fileStem: `${component}-${kind}`, kind };
}
