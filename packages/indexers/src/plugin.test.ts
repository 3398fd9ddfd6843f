import { container } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { Rng, Tokens, type Indexer } from '@ed2/core';
import { manifestContract } from '@ed2/core/testing';
import manifest from './plugin';

manifestContract(manifest);

describe('indexers plugin', () => {
  it('creates each indexer from defaults, seeded from the run Rng', async () => {
    const scope = container.createChildContainer();
    scope.register(Tokens.Rng, { useValue: new Rng(1) });
    for (const name of ['hvqae', 'rqvae', 'lsh', 'static'] as const) {
      const f = manifest.indexers![name];
      const ix = (await f.create(scope, f.config.parse({}))) as Indexer;
      expect(ix.name).toBe(name);
      expect(ix.kind).toBe('item');
      ix.dispose();
    }
    const f = manifest.indexers!.hvqae;
    const a = (await f.create(scope, f.config.parse({ kind: 'user' }))) as Indexer & { seed: number };
    const b = (await f.create(scope, f.config.parse({ kind: 'user' }))) as Indexer & { seed: number };
    expect(a.prefix).toBe('u_');
    expect(a.seed).toBe(b.seed);
  });
});
