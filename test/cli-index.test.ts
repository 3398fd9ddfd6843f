import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EventBus, resolveDataset } from '@ed2/core';
import { buildRegistry, runExperiment } from '@ed2/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `rec index export|import` through the built binary (packages/cli/bin/run.js → dist).
const BIN = resolve(__dirname, '../packages/cli/bin/run.js');
const DATA = resolve(__dirname, '../../shared/datasets/amazon-instruments');
const tmp = mkdtempSync(join(tmpdir(), 'rec-index-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function rec(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: tmp, timeout: 120_000, env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const text = (p: string) => readFileSync(p, 'utf8');
const corpus = ['--dataset', 'synthetic', '--dataset-set', 'numUsers=40', '--dataset-set', 'numItems=30', '--dataset-set', 'maxLength=8'];

describe('rec index export | import', () => {
  const run = join(tmp, 'run');
  beforeAll(async () => {
    // the smallest ED² run that finishes: its final item and user indices land in index/*.index.json
    const branch = { levels: 2, codebookSize: 4, codeDim: 4, batchSize: 32, initSamples: 32 };
    await runExperiment({
      model: 'ed2',
      modelConfig: {
        backbone: { name: 'llama', options: { model: { dim: 16, nLayers: 1, nHeads: 2, nKvHeads: 2, hiddenDim: 32, maxSeqLen: 128 } } },
        itemIndexer: { name: 'hvqae', options: branch },
        userIndexer: { name: 'hvqae', options: branch },
        warmupEpochs: 1,
        epochs: 1,
        stepsPerEpoch: 2,
        batchSize: 4,
        validUsers: 4,
        beams: 4,
        maxHistory: 3,
      },
      dataset: 'synthetic',
      datasetConfig: { numUsers: 40, numItems: 30, maxLength: 8 },
      seed: 2,
      backend: 'auto',
      out: run,
      resume: false,
      ks: [1, 10],
      excludeSeen: false,
      evalBatchSize: 64,
      registry: buildRegistry(),
      events: new EventBus(),
      signal: new AbortController().signal,
    });
  });

  it("a finished run's item and user index go to csv / recbole and come back byte for byte", async () => {
    const item = join(run, 'index', 'item.index.json');
    const user = join(run, 'index', 'user.index.json');
    const items = JSON.parse(text(item)) as Record<string, string[]>;
    expect(Object.keys(items)).toHaveLength(30);
    expect(Object.keys(JSON.parse(text(user)) as object)).toHaveLength(40);
    expect(items['0']![0]).toMatch(/^<a_\d>$/);
    const cases = [['item', item, 'csv', 'csv'], ['item', item, 'recbole', 'item'], ['user', user, 'csv', 'csv']] as const;
    for (const [kind, original, format, ext] of cases) {
      const out = join(tmp, `${kind}-${format}.${ext}`);
      const ex = rec('index', 'export', run, '--kind', kind, '--format', format, '--out', out, ...corpus);
      expect(ex.err).not.toMatch(/error \[/);
      expect(ex.code).toBe(0);
      expect(ex.out).toMatch(new RegExp(`wrote ${kind === 'item' ? 30 : 40} ${kind} indices \\(2 levels, with tokens\\)`));
      const back = join(tmp, `${kind}-${format}-back.index.json`);
      const im = rec('index', 'import', out, '--format', format, '--out', back, ...corpus);
      expect(im.code).toBe(0);
      expect(text(back)).toBe(text(original));
    }
    // the csv carries the synthetic dataset's own keys and one row per item
    const csv = text(join(tmp, 'item-csv.csv')).trim().split('\n');
    expect(csv[0]).toBe('item_id,code_a,code_b,suffix,sid,item_token');
    expect(csv).toHaveLength(31);
    const synth = await (await resolveDataset('synthetic', { numUsers: 40, numItems: 30, maxLength: 8 }, buildRegistry())).load();
    expect(csv.slice(1).map((l) => l.split(',').at(-1))).toEqual(synth.items.map((i) => i.key));
  });

  it('the real Instruments.index.json survives recbole and csv with its ASINs', () => {
    if (!existsSync(DATA)) throw new Error(`missing ${DATA}`);
    const original = join(DATA, 'Instruments.index.json');
    const item = join(tmp, 'Instruments.item');
    expect(rec('index', 'export', original, '--format', 'recbole', '--out', item, '--dataset', DATA).code).toBe(0);
    expect(text(item).split('\n')[1]).toBe('0\t<a_137> <b_112> <c_79> <d_200>\tB000FFWZKI');
    const csv = join(tmp, 'Instruments.csv');
    expect(rec('index', 'export', item, '--format', 'csv', '--out', csv).code).toBe(0);
    const back = join(tmp, 'Instruments.back.index.json');
    expect(rec('index', 'import', csv, '--out', back, '--dataset', DATA).code).toBe(0);
    expect(text(back)).toBe(text(original));
  });

  it('a malformed or foreign index is E_DATA_FORMAT naming the file, the key or line, and the fix; nothing is written', () => {
    const bad = join(tmp, 'bad.index.json');
    writeFileSync(bad, '{"0": ["<a_1>", "<b_2>"], "1": ["<a_3>"]}');
    const r = rec('index', 'import', bad, '--out', join(tmp, 'never.index.json'));
    expect(r.code).toBe(3); // data errors exit 3 (README "Exit codes")
    expect(r.err).toMatch(/error \[E_DATA_FORMAT\]: .*bad\.index\.json \(key "1"\): mixes code lengths/);
    expect(r.err).toMatch(/fix: /);
    expect(existsSync(join(tmp, 'never.index.json'))).toBe(false);
    // 30 synthetic items, an index of 9,922: unknown items
    const big = rec('index', 'export', join(DATA, 'Instruments.index.json'), '--format', 'csv', '--out', join(tmp, 'never.csv'), ...corpus);
    expect(big.code).toBe(3);
    expect(big.err).toMatch(/Instruments\.index\.json \(key "30"\): names unknown item 30/);
    const noIndex = rec('index', 'export', tmp, '--format', 'csv', '--out', join(tmp, 'never.csv'));
    expect(noIndex.err).toMatch(/error \[E_RUN_DIR\]: .* holds no item index/);
  });
});
