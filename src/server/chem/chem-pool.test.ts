import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChemPoolSettings } from '../limits';
import { ChemPool, chemThreadFile, type ChemResult } from './chem-pool';

const FAKE = path.resolve(import.meta.dirname, '../../../test/fixtures/chem/fake-thread.mjs');
const pools: ChemPool[] = [];

function pool(o: Partial<ChemPoolSettings> = {}, file = FAKE): ChemPool {
  const p = new ChemPool(() => ({ threads: 1, budgetMs: 60_000, itemTimeoutMs: 5_000, ...o }), file);
  pools.push(p);
  return p;
}

afterEach(async () => {
  delete process.env.FAKE_CHEM_THREAD_BROKEN;
  await Promise.all(pools.splice(0).map((p) => p.stop()));
});

const values = (rs: ChemResult[]) => rs.map((r) => ('canonical' in r ? r.canonical : 'failed' in r ? `failed: ${r.failed}` : 'invalid'));

describe('the chemistry pool', () => {
  it('answers every item in order, with RDKit in real threads', async () => {
    const p = pool({ threads: 2 }, chemThreadFile());
    const out = await p.run('smiles', ['OC(=O)c1ccccc1OC(C)=O', 'C1CC(', 'OCC'], { requester: 'alice' });
    expect(values(out)).toEqual(['CC(=O)Oc1ccccc1C(=O)O', 'invalid', 'CCO']);
  });

  it('fails only the item on which RDKit threw, replaces the thread, and keeps serving', async () => {
    const p = pool();
    const out = await p.run('smiles', ['a', 'THROW', 'b'], { requester: 'alice' });
    expect(values(out)).toEqual(['A', 'failed: memory access out of bounds', 'B']);
    expect(p.stats().restarts).toBe(1);
    expect(values(await p.run('smiles', ['c'], { requester: 'bob' }))).toEqual(['C']);
  });

  it('fails only the item on which the thread died; the others of its chunk run again', async () => {
    const p = pool();
    const out = await p.run('smiles', ['a', 'b', 'EXIT', 'c'], { requester: 'alice' });
    expect(values(out)).toEqual(['A', 'B', 'failed: the chemistry thread stopped: exit code 7', 'C']);
    expect(values(await p.run('smiles', ['d'], { requester: 'alice' }))).toEqual(['D']);
  });

  it('replaces a thread stuck on one item for longer than the item timeout', async () => {
    const p = pool({ itemTimeoutMs: 200 });
    const out = await p.run('smiles', ['a', 'HANG', 'b'], { requester: 'alice' });
    expect(values(out)).toEqual(['A', 'failed: RDKit worked on it for more than 200 ms (CHEM_ITEM_TIMEOUT_MS)', 'B']);
    expect(p.stats().restarts).toBe(1);
  });

  it('serves requesters in turn: a single item is answered before a long queue of another requester', async () => {
    const p = pool();
    const order: string[] = [];
    // 8 chunks of 256 for alice, queued first; bob's one item is served after at most one of them.
    const big = p.run('smiles', Array.from({ length: 256 * 8 }, () => 'SLOW:1'), { requester: 'alice' }).then(() => order.push('alice'));
    const small = p.run('smiles', ['x'], { requester: 'bob' }).then(() => order.push('bob'));
    await Promise.all([big, small]);
    expect(order).toEqual(['bob', 'alice']);
  });

  it("refuses a request past its budget of chemistry time, saying to split it, and serves the next", async () => {
    const p = pool({ budgetMs: 100 });
    const e = await p.run('molblock', Array.from({ length: 64 }, () => 'SLOW:20'), { requester: 'alice' }).catch((x) => x);
    expect(e).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: expect.stringMatching(/more than 100 ms of chemistry time \(CHEM_BUDGET_MS\).*Split the job/) });
    expect(values(await p.run('smiles', ['ok'], { requester: 'bob' }))).toEqual(['OK']);
  });

  it('answers UNAVAILABLE when no thread can start, and tries again on the next request', async () => {
    process.env.FAKE_CHEM_THREAD_BROKEN = '1';
    const p = pool();
    await expect(p.run('smiles', ['a'], { requester: 'alice' })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/cannot start \(cannot load RDKit \(test\)\)/),
    });
    delete process.env.FAKE_CHEM_THREAD_BROKEN;
    expect(values(await p.run('smiles', ['a'], { requester: 'alice' }))).toEqual(['A']);
  });
});
