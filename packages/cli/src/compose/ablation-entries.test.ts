import { describe, expect, it } from 'vitest';
import { ablationEntries } from './ablation-entries';

describe('ablationEntries', () => {
  const base = { epochs: 2, validUsers: 50 };
  const plan = ablationEntries(base);
  const byId = Object.fromEntries(plan.entries.map((e) => [e.id, e]));

  it('expands to the paper rows, each the ed2 model with the budget and exactly its ablation flags as rec run applies them', () => {
    expect(plan.entries.map((e) => e.id)).toEqual(['full', 'no-user', 'static', 'no-mgtr', 'no-exploit', 'no-user-no-mgtr', 'length-3', 'length-4', 'length-5', 'lsh-static', 'lsh-dynamic']);
    for (const e of plan.entries) expect(e.model).toBe('ed2');
    // expected configs written out by hand from the ablation flags of rec run (generative-flags.ts)
    expect(byId.full.modelConfig).toEqual({ epochs: 2, validUsers: 50 });
    expect(byId['no-user'].modelConfig).toEqual({ epochs: 2, validUsers: 50, users: false });
    expect(byId.static.modelConfig).toEqual({ epochs: 2, validUsers: 50, dynamic: false });
    expect(byId['no-mgtr'].modelConfig).toEqual({ epochs: 2, validUsers: 50, mgtr: false });
    expect(byId['no-exploit'].modelConfig).toEqual({ epochs: 2, validUsers: 50, tasks: 'sequential,item-index,index-item' });
    expect(byId['no-user-no-mgtr'].modelConfig).toEqual({ epochs: 2, validUsers: 50, users: false, mgtr: false });
    for (const n of [3, 4, 5]) {
      expect(byId[`length-${n}`].modelConfig).toEqual({ epochs: 2, validUsers: 50, itemIndexer: { options: { levels: n } }, userIndexer: { options: { levels: n } } });
    }
    expect(byId['lsh-static'].modelConfig).toEqual({ epochs: 2, validUsers: 50, itemIndexer: { name: 'lsh', options: {} }, userIndexer: { name: 'lsh', options: {} }, dynamic: false });
    expect(byId['lsh-dynamic'].modelConfig).toEqual({ epochs: 2, validUsers: 50, itemIndexer: { name: 'lsh', options: { mode: 'dynamic' } }, userIndexer: { name: 'lsh', options: { mode: 'dynamic' } } });
    expect(base).toEqual({ epochs: 2, validUsers: 50 }); // the shared options are not mutated
  });

  it('groups the rows into Table 2 (components) and Table 3 (index length, LSH), each led by the full model', () => {
    expect(plan.tables).toEqual([
      { title: 'Table 2: ablation of the components', ids: ['full', 'no-user', 'static', 'no-mgtr', 'no-exploit', 'no-user-no-mgtr'] },
      { title: 'Table 3: index length and LSH indices', ids: ['full', 'length-3', 'length-4', 'length-5', 'lsh-static', 'lsh-dynamic'] },
    ]);
    expect(byId['no-user-no-mgtr'].name).toBe('w/o user & m-GTR');
  });
});

describe('ablationEntries with indexer options', () => {
  it('LSH rows keep only the index length of the shared (HVQAE) indexer options', () => {
    const plan = ablationEntries({ itemIndexer: { options: { levels: 3, codebookSize: 8, codeDim: 8 } }, userIndexer: { options: { levels: 3, codebookSize: 8, codeDim: 8 } } });
    const lsh = plan.entries.find((e) => e.id === 'lsh-dynamic')!;
    expect(lsh.modelConfig).toEqual({ itemIndexer: { name: 'lsh', options: { levels: 3, mode: 'dynamic' } }, userIndexer: { name: 'lsh', options: { levels: 3, mode: 'dynamic' } } });
    expect(plan.entries.find((e) => e.id === 'length-5')!.modelConfig.itemIndexer).toEqual({ options: { levels: 5, codebookSize: 8, codeDim: 8 } });
  });
});

describe('ablationEntries with --rows', () => {
  it('keeps the named rows plus the full model, drops a table left with the full model alone', () => {
    const plan = ablationEntries({ epochs: 1 }, { rows: ['no-user', 'static', 'no-mgtr', 'no-exploit'] });
    expect(plan.entries.map((e) => e.id)).toEqual(['full', 'no-user', 'static', 'no-mgtr', 'no-exploit']);
    expect(plan.tables).toEqual([{ title: 'Table 2: ablation of the components', ids: ['full', 'no-user', 'static', 'no-mgtr', 'no-exploit'] }]);
    expect(plan.entries.find((e) => e.id === 'static')!.modelConfig).toEqual({ epochs: 1, dynamic: false });
  });

  it('names an unknown row and lists the valid ones', () => {
    expect(() => ablationEntries({}, { rows: ['no-users'] })).toThrow(/unknown row no-users/);
    expect(() => ablationEntries({}, { rows: ['no-users'] })).toThrow(expect.objectContaining({ code: 'E_CONFIG', hint: expect.stringContaining('no-user, static, no-mgtr') }));
  });
});
