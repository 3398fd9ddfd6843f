import { RecError } from '@ed2/core';

/**
 * One paraphrased instruction template. Placeholders are `{name}` (e.g. `{user}`, `{history}`,
 * `{item}`); `promptNoUser` is the wording for item-only models (no user index), required when
 * `prompt` names `{user}`. `response` defaults to `{target}`.
 */
export interface InstructionTemplate {
  readonly id: string;
  readonly prompt: string;
  readonly promptNoUser?: string;
  readonly response?: string;
}

const PLACEHOLDER = /\{([a-zA-Z]+)\}/g;

/** Replace every `{name}` in `text` with `vars[name]`; a missing value is a programming error. */
export function fillTemplate(text: string, vars: Readonly<Record<string, string | undefined>>, templateId = '?'): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    const v = vars[name];
    if (v === undefined) {
      throw new RecError('E_INTERNAL', `Template "${templateId}" needs {${name}}, but no value was given (given: ${Object.keys(vars).filter((k) => vars[k] !== undefined).join(', ') || 'none'})`);
    }
    return v;
  });
}

/** The placeholder names a text uses, in order of first appearance. */
export function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]))];
}
