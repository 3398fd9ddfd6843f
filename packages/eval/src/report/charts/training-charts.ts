import type { TrainReport } from '@ed2/core';
import { lineChartSpec, type LinePoint } from './line-chart-spec';
import type { ChartSpec } from './render-chart-png';

export interface NamedChart {
  /** File name the PNG is written under (next to report.md). */
  readonly file: string;
  readonly title: string;
  readonly spec: ChartSpec;
}

interface ReindexEntry { readonly step: number; readonly branch: string; readonly changed: number }

/**
 * The training curves of a run, as charts: every loss term per epoch (the total loss and each term of
 * the history), validation NDCG@10 per epoch, and the indices changed at each re-indexing (per branch,
 * from `extra.reindex` of a generative run). Charts without data are left out.
 */
export function trainingCharts(train: Pick<TrainReport, 'history' | 'extra'>, options: { readonly validMetric?: string } = {}): NamedChart[] {
  const metric = options.validMetric ?? 'ndcg@10';
  const charts: NamedChart[] = [];
  const loss: LinePoint[] = [];
  for (const h of train.history) {
    if (Number.isFinite(h.loss)) loss.push({ x: h.epoch, y: h.loss, series: 'loss (total)' });
    for (const [k, v] of Object.entries(h.terms ?? {})) if (Number.isFinite(v)) loss.push({ x: h.epoch, y: v, series: k });
  }
  if (loss.length) charts.push({ file: 'chart-loss.png', title: 'Training loss terms per epoch', spec: lineChartSpec(loss, { title: 'Training loss terms', x: 'epoch', y: 'mean loss', logY: true }) });
  const valid = train.history.flatMap((h) => (h.valid?.[metric] !== undefined && Number.isFinite(h.valid[metric]) ? [{ x: h.epoch, y: h.valid[metric], series: `valid ${metric}` }] : []));
  if (valid.length) charts.push({ file: 'chart-valid.png', title: `Validation ${metric} per epoch`, spec: lineChartSpec(valid, { title: `Validation ${metric}`, x: 'epoch', y: metric }) });
  const reindex = (train.extra as { reindex?: readonly ReindexEntry[] } | undefined)?.reindex ?? [];
  const changed = reindex.map((r) => ({ x: r.step, y: r.changed, series: r.branch }));
  if (changed.length) charts.push({ file: 'chart-reindex.png', title: 'Indices changed per re-indexing', spec: lineChartSpec(changed, { title: 'Indices changed per re-indexing', x: 'training step', y: 'indices changed' }) });
  return charts;
}
