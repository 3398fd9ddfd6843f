import type { ChartSpec } from './render-chart-png';

export interface LinePoint {
  readonly x: number;
  readonly y: number;
  /** Series name (one line and legend entry per series). */
  readonly series: string;
}

/** Lines with point marks: `x` against `y`, one colour per series. */
export function lineChartSpec(points: readonly LinePoint[], options: { readonly title: string; readonly x: string; readonly y: string; readonly logY?: boolean }): ChartSpec {
  return {
    title: options.title,
    width: 420,
    height: 240,
    data: { values: points.map((p) => ({ ...p })) },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: options.x, axis: { tickMinStep: 1, format: 'd' } },
      y: { field: 'y', type: 'quantitative', title: options.y, scale: { zero: false, ...(options.logY ? { type: 'symlog' } : {}) } },
      color: { field: 'series', type: 'nominal', title: null },
    },
  };
}
