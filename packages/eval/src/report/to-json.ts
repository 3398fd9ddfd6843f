import type { EvalResult } from '../evaluator/eval-result';
import { describeProtocol } from './describe-protocol';

/**
 * JSON text of an evaluation: mean metrics, count, seconds and the protocol with a sentence
 * describing it; with `perCase`, also the per-user values (`users` and one array per metric).
 */
export function toJson(result: EvalResult, options: { readonly perCase?: boolean; readonly name?: string } = {}): string {
  const out: Record<string, unknown> = {
    ...(options.name !== undefined ? { name: options.name } : {}),
    metrics: result.metrics,
    count: result.count,
    seconds: result.seconds,
    protocol: { ...result.protocol, description: describeProtocol(result.protocol) },
  };
  if (options.perCase) {
    out.perCase = {
      users: Array.from(result.users),
      ranks: Array.from(result.ranks),
      ...Object.fromEntries(Object.entries(result.perCase).map(([m, v]) => [m, Array.from(v)])),
    };
  }
  return JSON.stringify(out, null, 2);
}
