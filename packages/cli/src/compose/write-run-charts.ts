import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventBus, TrainReport } from '@ed2/core';
import { renderChartPng, trainingCharts } from '@ed2/eval';

/**
 * Renders a run's training curves (every loss term, validation NDCG@10, indices changed per re-index) as
 * PNG files in the run folder and returns the report.md section linking them ('' when there is nothing to
 * draw). A chart that cannot be rendered is a warning, not a failed run: the numbers are in the tables.
 */
export async function writeRunCharts(dir: string, train: Pick<TrainReport, 'history' | 'extra'>, events: EventBus): Promise<string> {
  const charts = trainingCharts(train);
  const lines: string[] = [];
  for (const c of charts) {
    try {
      const r = await renderChartPng(c.spec);
      writeFileSync(join(dir, c.file), r.png);
      lines.push(`![${c.title}](${c.file})`, '');
    } catch (e) {
      events.warn(`chart ${c.file} not written: ${(e as Error).message}`);
    }
  }
  return lines.length ? ['', '## Training curves (charts)', '', ...lines].join('\n') : '';
}
