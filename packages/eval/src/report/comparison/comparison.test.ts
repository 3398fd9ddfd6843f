import { describe, expect, it } from 'vitest';
import { averageDecrease } from './average-decrease';
import { compareModels, type ComparisonInput } from './compare-models';
import { comparisonCsv } from './comparison-csv';
import { comparisonMarkdown } from './comparison-markdown';

const users = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const row = (name: string, seeds: number[][]): ComparisonInput => ({
  name,
  runs: seeds.map((v, i) => ({ seed: 42 + i, metrics: { 'hr@10': mean(v) }, seconds: 10 })),
  perUser: seeds.map((v) => ({ users, values: { 'hr@10': v } })),
});

describe('compareModels', () => {
  // Two seeds per model. SciPy 1.17.1 on the seed-averaged per-user values a = (a1 + a2) / 2, b = (b1 + b2) / 2:
  //   ttest_rel(a, b) → statistic 3.279648999660727, pvalue 0.009534613041301045
  //   wilcoxon(a, b, zero_method='wilcox', method='approx', correction=False) → pvalue 0.019630657257290667
  const a = row('a', [[1, 0, 1, 1, 0, 1, 0, 1, 1, 0], [1, 1, 1, 0, 0, 1, 0, 1, 1, 1]]);
  const b = row('b', [[0, 0, 1, 0, 0, 1, 0, 0, 1, 0], [1, 0, 0, 0, 0, 1, 0, 0, 1, 0]]);
  const c = row('c', [[0, 0, 0, 0, 0, 1, 0, 0, 0, 0], [0, 0, 0, 0, 0, 1, 0, 0, 0, 0]]);

  it('finds best and second, the improvement (best − second) / second and the paired tests of scipy', () => {
    const cmp = compareModels([b, c, a], ['hr@10']);
    const l = cmp.leaders['hr@10'];
    expect(l.best).toBe('a');
    expect(l.second).toBe('b');
    // a: seeds 0.6, 0.7 → 0.65; b: 0.3, 0.3 → 0.3
    expect(l.improvement).toBeCloseTo((0.65 - 0.3) / 0.3, 12);
    expect(l.test!.tP).toBeCloseTo(0.009534613041301045, 10);
    expect(l.test!.t).toBeCloseTo(3.279648999660727, 10);
    expect(l.test!.wilcoxonP).toBeCloseTo(0.019630657257290667, 10);
    // CI over the two seeds of a: 0.65 ± t(0.975, 1) · sd/√2 with sd = 0.0707…, t = 12.706204736174694 (scipy)
    expect(cmp.rows.find((r) => r.name === 'a')!.ci['hr@10'].halfWidth).toBeCloseTo((12.706204736174694 * Math.sqrt(0.005)) / Math.sqrt(2), 8);
    expect(cmp.rows.find((r) => r.name === 'a')!.seconds).toBe(20);
  });

  it('Markdown bolds the best, underlines the second, gives Improv. and p; CSV holds the same numbers', () => {
    const cmp = compareModels([b, c, a], ['hr@10']);
    const md = comparisonMarkdown(cmp);
    expect(md).toContain('| a | **0.6500 ± 0.6353***');
    expect(md).toContain('| b | <u>0.3000 ± 0.0000</u>');
    expect(md).toContain('| Improv. (best over second) | 116.67% |');
    expect(md).toContain('0.0095 / 0.0196');
    const lines = comparisonCsv(cmp).trim().split('\n');
    expect(lines[0]).toBe('name,hr@10,hr@10_ci95,hr@10_rank,avg_d,seeds,seconds');
    const [name, hr, ci, rank] = lines[3].split(',');
    expect([name, rank]).toEqual(['a', '1']);
    expect(Number(hr)).toBeCloseTo(0.65, 12);
    expect(Number(ci)).toBeCloseTo((12.706204736174694 * Math.sqrt(0.005)) / Math.sqrt(2), 8);
    expect(Number(lines[4].split(',')[1])).toBeCloseTo(0.35 / 0.3, 12);
    expect(lines[4].startsWith('improvement,')).toBe(true);
  });

  it('Avg.D against the reference row, as computed by hand', () => {
    // full: hr@10 0.2, ndcg@10 0.1; variant: 0.15, 0.09 → ((0.05/0.2) + (0.01/0.1)) / 2 = (0.25 + 0.1) / 2 = 17.5%
    expect(averageDecrease({ 'hr@10': 0.2, 'ndcg@10': 0.1 }, { 'hr@10': 0.15, 'ndcg@10': 0.09 }, ['hr@10', 'ndcg@10'])).toBeCloseTo(17.5, 10);
    // a better variant has a negative Avg.D; a metric where full is 0 is left out
    expect(averageDecrease({ x: 0.1, y: 0 }, { x: 0.12, y: 0.05 }, ['x', 'y'])).toBeCloseTo(-20, 10);
    const cmp = compareModels([a, b], ['hr@10'], { reference: 'a' });
    expect(cmp.rows[0].avgD).toBeUndefined();
    expect(cmp.rows[1].avgD).toBeCloseTo((100 * (0.65 - 0.3)) / 0.65, 10);
    expect(comparisonMarkdown(cmp)).toContain('Avg.D');
    expect(() => compareModels([a], ['hr@10'], { reference: 'zz' })).toThrow(/reference row "zz"/);
  });
});

describe('compareModels with shared rows', () => {
  it('a row sharing another row’s runs is shown but not ranked (it would tie with them)', () => {
    const x = row('full', [[1, 1, 0, 1, 0, 1, 0, 1, 1, 0]]);
    const y = row('variant', [[1, 0, 0, 1, 0, 1, 0, 0, 1, 0]]);
    const same = { ...row('length 4', [[1, 1, 0, 1, 0, 1, 0, 1, 1, 0]]), sameAs: 'full' };
    const cmp = compareModels([x, same, y], ['hr@10'], { reference: 'full' });
    expect(cmp.leaders['hr@10']).toMatchObject({ best: 'full', second: 'variant', improvement: (0.6 - 0.4) / 0.4 });
    expect(cmp.rows[1]).toMatchObject({ sameAs: 'full', avgD: 0 });
    expect(comparisonMarkdown(cmp)).toContain('| length 4 (= full) | 0.6000 |');
    expect(comparisonCsv(cmp).split('\n')[2].split(',').slice(0, 4)).toEqual(['length 4', '0.6', '0', '']);
  });
});

describe('comparisonMarkdown ties', () => {
  it('every row tied with the best is bold, every row tied with the second underlined; a tie at the top has 0% improvement', () => {
    const z = (hits: number) => Array.from({ length: 10 }, (_, i) => (i < hits ? 1 : 0));
    const md = comparisonMarkdown(compareModels([row('p', [z(3)]), row('q', [z(2)]), row('r', [z(2)]), row('t', [z(0)])], ['hr@10']));
    expect(md).toContain('| p | **0.3000** |');
    expect(md).toContain('| q | <u>0.2000</u> |');
    expect(md).toContain('| r | <u>0.2000</u> |');
    expect(md).toContain('| t | 0.0000 |');
    const top = compareModels([row('p', [z(3)]), row('q', [z(3)]), row('r', [z(1)])], ['hr@10']);
    expect(top.leaders['hr@10'].improvement).toBe(0);
    const md2 = comparisonMarkdown(top);
    expect(md2).toContain('| p | **0.3000** |');
    expect(md2).toContain('| q | **0.3000** |');
    expect(md2).toContain('| r | 0.1000 |');
  });
});

describe('comparisonMarkdown p-values', () => {
  it('a p-value below double precision’s resolution prints as < 1e-15, not 0', () => {
    const n = 400;
    const ones = Array.from({ length: n }, (_, i) => (i % 10 === 0 ? 0 : 1));
    const zeros = Array.from({ length: n }, (_, i) => (i % 10 === 1 ? 1 : 0));
    const mk = (name: string, v: number[]) => ({ name, runs: [{ seed: 1, metrics: { 'hr@10': mean(v) } }], perUser: [{ users: v.map((_, i) => i), values: { 'hr@10': v } }] });
    const cmp = compareModels([mk('a', ones), mk('b', zeros)], ['hr@10']);
    expect(cmp.leaders['hr@10'].test!.wilcoxonP).toBeLessThan(1e-15);
    expect(comparisonMarkdown(cmp)).toMatch(/\| p \(t-test \/ Wilcoxon\), best vs second \| [^|]* \/ < 1e-15 \|/);
  });
});
