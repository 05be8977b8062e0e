import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startTestGateway, type TestGateway } from '../../../test/support';
import { createApiToken, viewerFromToken } from '../users/users.service';
import type { Viewer } from '../users/viewer';
import { createCaller } from './root';

let gw: TestGateway;
let alice: Viewer;
let bob: Viewer;

beforeAll(async () => {
  gw = await startTestGateway();
  alice = await createUser(gw.db, 'alice');
  bob = await createUser(gw.db, 'bob');
});

afterAll(async () => gw?.stop());

const caller = (viewer: Viewer | null) => createCaller({ ...gw.deps, viewer });

async function trpcError(p: Promise<unknown>): Promise<TRPCError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TRPCError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

describe('tRPC API', () => {
  it('refuses callers who are not signed in, saying how to authenticate', async () => {
    const e = await trpcError(caller(null).models.list({}));
    expect(e.code).toBe('UNAUTHORIZED');
    expect(e.message).toMatch(/Bearer/);
  });

  it('predicts one molecule through the queue and the worker, returning the canonical input', async () => {
    const p = await caller(alice).models.predict({ model: 'rdkit-descriptors', input: { smiles: 'OC(=O)c1ccccc1OC(C)=O' } });
    expect(p.error).toBeNull();
    expect(p.input.smiles).toBe('CC(=O)Oc1ccccc1C(=O)O');
    expect(p.output!.tpsa).toBeCloseTo(63.6, 1);
  });

  it('maps an invalid SMILES to BAD_REQUEST with the INVALID_INPUT code and no job', async () => {
    const before = (await caller(alice).jobs.list({})).total;
    const e = await trpcError(caller(alice).models.predict({ model: 'esol-solubility', input: { smiles: 'C1CC(' } }));
    expect(e.code).toBe('BAD_REQUEST');
    expect((e.cause as { code?: string }).code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(/field "smiles" is not a valid SMILES/);
    expect((await caller(alice).jobs.list({})).total).toBe(before);
  });

  it('maps an unknown model to NOT_FOUND', async () => {
    const e = await trpcError(caller(alice).jobs.create({ model: 'nope', inputs: [{ smiles: 'C' }] }));
    expect(e.code).toBe('NOT_FOUND');
  });

  it("resolves API tokens to their user, and another user's token cannot read your job", async () => {
    const aliceToken = await createApiToken(gw.deps, alice, { name: 'script' });
    const bobToken = await createApiToken(gw.deps, bob, { name: 'script' });
    const asAlice = (await viewerFromToken(gw.deps, aliceToken.token))!;
    const asBob = (await viewerFromToken(gw.deps, bobToken.token))!;
    expect(asAlice.id).toBe(alice.id);
    expect(await viewerFromToken(gw.deps, 'mgw_forged')).toBeNull();

    const job = await caller(asAlice).jobs.create({ model: 'ocl-properties', inputs: [{ smiles: 'CCO' }] });
    expect((await caller(asAlice).jobs.get({ jobId: job.id })).id).toBe(job.id);
    expect((await trpcError(caller(asBob).jobs.get({ jobId: job.id }))).code).toBe('NOT_FOUND');
    expect((await trpcError(caller(asBob).jobs.results({ jobId: job.id }))).code).toBe('NOT_FOUND');

    await caller(asAlice).tokens.revoke({ id: aliceToken.id });
    expect(await viewerFromToken(gw.deps, aliceToken.token)).toBeNull();
  });
});
