import { describe, expect, it } from 'vitest';
import type { EvalResult } from '../evaluator/eval-result';
import { describeProtocol } from './describe-protocol';
import { toCsv } from './to-csv';
import { toJson } from './to-json';
import { toMarkdownTable } from './to-markdown-table';

const full: EvalResult = {
  metrics: { 'hr@10': 0.1, 'ndcg@10': 0.0625, mrr: 0.05 },
  perCase: { 'hr@10': Float64Array.from([0, 1]), 'ndcg@10': Float64Array.from([0, 0.125]), mrr: Float64Array.from([0.01, 0.09]) },
  ranks: Int32Array.from([100, 63]),
  users: Int32Array.from([7, 9]),
  count: 2,
  seconds: 1.25,
  protocol: { excludeSeen: false, ks: [10], ranking: 'full', ties: 'pessimistic', numItems: 9922 },
};
const topk: EvalResult = { ...full, metrics: { 'hr@10': 0.2, 'ndcg@10': 0.15 }, protocol: { excludeSeen: true, ks: [10], ranking: 'top-k', ties: 'pessimistic', topK: 20 } };

describe('describeProtocol', () => {
  it('states full ranking over N items, the masking choice and pessimistic ties', () => {
    const s = describeProtocol(full.protocol);
    expect(s).toContain('Full ranking over all 9,922 items');
    expect(s).toContain('not masked (excludeSeen = false');
    expect(s).toContain('ties are pessimistic');
  });

  it('states top-k ranking with its truncation and masking', () => {
    const s = describeProtocol(topk.protocol);
    expect(s).toContain('Top-20 ranking');
    expect(s).toContain('MRR is truncated at 20');
    expect(s).toContain('masked (excludeSeen = true)');
  });
});

describe('toJson', () => {
  it('holds metrics, count, seconds and the protocol with its description; per-case values on request', () => {
    const j = JSON.parse(toJson(full, { name: 'sasrec' }));
    expect(j).toEqual({
      name: 'sasrec',
      metrics: full.metrics,
      count: 2,
      seconds: 1.25,
      protocol: { ...full.protocol, description: describeProtocol(full.protocol) },
    });
    const p = JSON.parse(toJson(full, { perCase: true })).perCase;
    expect(p).toEqual({ users: [7, 9], ranks: [100, 63], 'hr@10': [0, 1], 'ndcg@10': [0, 0.125], mrr: [0.01, 0.09] });
  });
});

describe('toMarkdownTable', () => {
  it('renders one row per model with 4 decimals and one shared protocol line', () => {
    const md = toMarkdownTable([
      { name: 'sasrec', result: full },
      { name: 'gru|4rec', result: { ...full, metrics: { 'hr@10': 0.123456, 'ndcg@10': 0.05 } } },
    ], ['hr@10', 'ndcg@10', 'mrr']);
    const lines = md.trim().split('\n');
    expect(lines[0]).toBe('| model | hr@10 | ndcg@10 | mrr | cases | seconds |');
    expect(lines[2]).toBe('| sasrec | 0.1000 | 0.0625 | 0.0500 | 2 | 1.3 |');
    expect(lines[3]).toBe('| gru\\|4rec | 0.1235 | 0.0500 | – | 2 | 1.3 |');
    expect(lines.filter((l) => l.startsWith('Protocol'))).toEqual([`Protocol: ${describeProtocol(full.protocol)}`]);
  });

  it('lists each protocol when rows differ, and defaults the columns to the metrics seen', () => {
    const md = toMarkdownTable([{ name: 'sasrec', result: full }, { name: 'ed2', result: topk }]);
    expect(md.split('\n')[0]).toBe('| model | hr@10 | ndcg@10 | mrr | cases | seconds |');
    expect(md).toContain(`Protocol (sasrec): ${describeProtocol(full.protocol)}`);
    expect(md).toContain(`Protocol (ed2): ${describeProtocol(topk.protocol)}`);
  });
});

describe('toCsv', () => {
  it('writes full-precision metrics and protocol columns, quoting where needed', () => {
    const csv = toCsv([{ name: 'sasrec, ce', result: full }, { name: 'ed2', result: topk }], ['hr@10', 'mrr']);
    expect(csv.trim().split('\n')).toEqual([
      'name,hr@10,mrr,count,seconds,ranking,numItems,topK,excludeSeen,ties',
      '"sasrec, ce",0.1,0.05,2,1.25,full,9922,,false,pessimistic',
      'ed2,0.2,,2,1.25,top-k,,20,true,pessimistic',
    ]);
  });
});
