import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startTestGateway, type TestGateway } from '../../../test/support';
import { createCaller } from '../api/root';
import type { Viewer } from '../users/viewer';
import { getChemPool, stopChemPool } from './chem-pool';

// One user's 100,000-molecule submission must not make another user wait for all of it: the
// chemistry runs off the event loop and the pool serves requesters in turn. This asserts the
// order in which calls finish, never how long they take.

let gw: TestGateway;
let alice: Viewer;
let bob: Viewer;

beforeAll(async () => {
  gw = await startTestGateway();
  alice = await createUser(gw.db, 'alice');
  bob = await createUser(gw.db, 'bob');
});

afterAll(async () => {
  await stopChemPool();
  await gw?.stop();
});

const caller = (viewer: Viewer) => createCaller({ ...gw.deps, viewer });

/** 100,000 different SMILES (isotope labels make each string unique, so none is parsed once for many). */
function librarySmiles(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `[${1 + (i % 400)}CH3][${1 + Math.floor(i / 400)}CH2]O`);
}

async function until(condition: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('a 100,000-SMILES job and another user', () => {
  it("lets the other user's prediction, list and small job finish before the big job is created", async () => {
    // Warm bob's model process first: the race is about the gateway, not a model's start-up.
    expect((await caller(bob).models.predict({ model: 'rdkit-descriptors', input: { smiles: 'CCO' } })).error).toBeNull();

    const finished: string[] = [];
    const started = Date.now();
    const at: Record<string, number> = {};
    const done = (what: string) => (finished.push(what), (at[what] = Date.now() - started));
    const big = caller(alice)
      .jobs.create({ model: 'rdkit-descriptors', inputs: librarySmiles(100_000).map((smiles) => ({ smiles })), label: 'library' })
      .then((job) => (done('alice: jobs.create'), job));

    // Alice's chunks are queued in the pool: her molecules are being canonicalised now.
    await until(() => (getChemPool().stats().queued[alice.id] ?? 0) > 10, "alice's chunks in the pool");
    at['bob: starts'] = Date.now() - started;

    const others = Promise.all([
      caller(bob)
        .models.predict({ model: 'rdkit-descriptors', input: { smiles: 'OC(=O)c1ccccc1OC(C)=O' } })
        .then((p) => {
          expect(p.output!.tpsa).toBeCloseTo(63.6, 1);
          done('bob: predict');
        }),
      caller(bob)
        .models.list({})
        .then((l) => {
          expect(l.total).toBeGreaterThan(0);
          done('bob: models.list');
        }),
      caller(bob)
        .jobs.create({ model: 'rdkit-descriptors', inputs: [{ smiles: 'c1ccccc1O' }, { smiles: 'CCN' }] })
        .then((j) => {
          expect(j.itemsTotal).toBe(2);
          done('bob: jobs.create');
        }),
    ]);
    await others;
    expect(finished).not.toContain('alice: jobs.create');

    const job = await big;
    // For the record (not asserted): milliseconds from alice's submission to each answer.
    console.log('fairness, ms after the 100,000-SMILES submission:', JSON.stringify(at));
    expect(finished.slice(0, 3).sort()).toEqual(['bob: jobs.create', 'bob: models.list', 'bob: predict']);
    expect(finished[3]).toBe('alice: jobs.create');
    expect(job).toMatchObject({ itemsTotal: 100_000, itemsFailed: 0 });
    // The library itself is not what this test is about.
    await caller(alice).jobs.cancel({ jobId: job.id });
  }, 600_000);
});
