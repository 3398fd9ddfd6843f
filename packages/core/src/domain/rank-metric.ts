/** What a `metrics` plugin creates: the 1-based rank of the target → the metric's value for that case. */
export type RankMetric = ((rank: number) => number) & { readonly metricName: string };
