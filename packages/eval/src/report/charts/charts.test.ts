import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { barChartSpec } from './bar-chart-spec';
import { renderChartPng } from './render-chart-png';
import { trainingCharts } from './training-charts';

/** Reads a PNG by the format's rules (signature, IHDR, IDAT inflated) — independent of the renderer. */
function decodePng(png: Buffer): { width: number; height: number; colorType: number; raw: Buffer } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.readUInt32BE(8)).toBe(13);
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const colorType = png[25];
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const len = png.readUInt32BE(at);
    const type = png.subarray(at + 4, at + 8).toString('ascii');
    if (type === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + len));
    at += 12 + len;
    if (type === 'IEND') break;
  }
  return { width, height, colorType, raw: inflateSync(Buffer.concat(idat)) };
}

describe('charts as images', () => {
  it('a bar chart renders to a PNG whose IHDR size is the SVG size times the scale, and whose pixel data inflates to that size', async () => {
    const spec = barChartSpec([
      { model: 'sasrec', metric: 'hr@10', value: 0.1, lower: 0.09, upper: 0.11 },
      { model: 'gru4rec', metric: 'hr@10', value: 0.08, lower: 0.07, upper: 0.09 },
      { model: 'sasrec', metric: 'ndcg@10', value: 0.06 },
      { model: 'gru4rec', metric: 'ndcg@10', value: 0.05 },
    ]);
    const r = await renderChartPng(spec, { scale: 2 });
    const svgW = Number(/<svg[^>]* width="(\d+(?:\.\d+)?)"/.exec(r.svg)![1]);
    const svgH = Number(/<svg[^>]* height="(\d+(?:\.\d+)?)"/.exec(r.svg)![1]);
    const png = decodePng(r.png);
    expect(png.width).toBe(Math.round(svgW * 2));
    expect(png.height).toBe(Math.round(svgH * 2));
    expect([r.width, r.height]).toEqual([png.width, png.height]);
    const bytesPerPixel = { 2: 3, 6: 4 }[png.colorType]!;
    expect(png.raw.length).toBe(png.height * (1 + png.width * bytesPerPixel));
    // four bars and the two legend entries are drawn as paths/rects in the SVG
    expect(r.svg).toContain('sasrec');
    expect((r.svg.match(/<path/g) ?? []).length).toBeGreaterThanOrEqual(4);
  });

  it('training charts: every loss term, validation NDCG@10 and the changed indices per re-index; empty ones left out', async () => {
    const history = [
      { epoch: 1, loss: 3, seconds: 1, valid: { 'ndcg@10': 0.1 }, terms: { llm: 2.5, id: 0.4 } },
      { epoch: 2, loss: 2, seconds: 1, valid: { 'ndcg@10': 0.2 }, terms: { llm: 1.7, id: 0.3 } },
    ];
    const charts = trainingCharts({ history, extra: { reindex: [{ step: 10, branch: 'item', changed: 30, collisionRate: 0 }, { step: 10, branch: 'user', changed: 12, collisionRate: 0 }] } });
    expect(charts.map((c) => c.file)).toEqual(['chart-loss.png', 'chart-valid.png', 'chart-reindex.png']);
    const loss = (charts[0].spec.data as { values: { series: string; y: number }[] }).values;
    expect(new Set(loss.map((v) => v.series))).toEqual(new Set(['loss (total)', 'llm', 'id']));
    expect(loss.filter((v) => v.series === 'llm').map((v) => v.y)).toEqual([2.5, 1.7]);
    const png = decodePng((await renderChartPng(charts[2].spec, { scale: 1 })).png);
    expect(png.width).toBeGreaterThan(100);
    expect(trainingCharts({ history: [{ epoch: 1, loss: 1, seconds: 1 }] }).map((c) => c.file)).toEqual(['chart-loss.png']);
  });
});
