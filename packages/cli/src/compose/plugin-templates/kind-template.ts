import type { ScaffoldVersions } from './common-files';
import type { TemplateNames } from './template-names';

/** The kind-specific part of a scaffold: source files, and the peer dependencies they import. */
export interface KindTemplate {
  peers(v: ScaffoldVersions): Readonly<Record<string, string>>;
  files(n: TemplateNames): Readonly<Record<string, string>>;
}
