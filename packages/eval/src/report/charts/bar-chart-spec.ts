import type { ChartSpec } from './render-chart-png';

export interface BarDatum {
  readonly model: string;
  readonly metric: string;
  readonly value: number;
  /** 95% interval bounds (drawn as error bars when given). */
  readonly lower?: number;
  readonly upper?: number;
}

/** Grouped bars: one group per metric, one bar per model (in the given order), error bars where intervals exist. */
export function barChartSpec(data: readonly BarDatum[], options: { readonly title?: string } = {}): ChartSpec {
  const models = [...new Set(data.map((d) => d.model))];
  const metrics = [...new Set(data.map((d) => d.metric))];
  const x = { field: 'metric', type: 'nominal', sort: metrics, title: null, axis: { labelAngle: 0 } };
  const xOffset = { field: 'model', type: 'nominal', sort: models };
  const layers: Record<string, unknown>[] = [
    {
      mark: 'bar',
      encoding: { x, xOffset, y: { field: 'value', type: 'quantitative', title: 'value' }, color: { field: 'model', type: 'nominal', sort: models, title: 'model' } },
    },
  ];
  if (data.some((d) => d.lower !== undefined && d.upper !== undefined)) {
    layers.push({
      mark: { type: 'rule', color: 'black' },
      transform: [{ filter: 'isValid(datum.lower) && isValid(datum.upper)' }],
      encoding: { x, xOffset, y: { field: 'lower', type: 'quantitative' }, y2: { field: 'upper' } },
    });
  }
  return {
    ...(options.title ? { title: options.title } : {}),
    width: Math.max(240, 24 * models.length * metrics.length + 40 * metrics.length),
    height: 260,
    data: { values: data.map((d) => ({ ...d })) },
    layer: layers,
  };
}
