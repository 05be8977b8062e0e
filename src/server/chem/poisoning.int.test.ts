import { TRPCError } from '@trpc/server';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as depict } from '@/app/api/depict/route';
import { ASPIRIN, POISON } from '../../../test/fixtures/chem/molecules';
import { createUser, startTestGateway, waitForJob, type TestGateway } from '../../../test/support';
import { createCaller } from '../api/root';
import { checkHealth } from '../health/health.service';
import type { Viewer } from '../users/viewer';
import { getChemPool, stopChemPool } from './chem-pool';

// Every input here once left the web's single RDKit instance broken ("memory access out of
// bounds") for every later request. Now each is a typed 4xx, and another user's prediction
// still succeeds right after it.

let gw: TestGateway;
let mallory: Viewer;
let bob: Viewer;

beforeAll(async () => {
  gw = await startTestGateway();
  mallory = await createUser(gw.db, 'mallory');
  bob = await createUser(gw.db, 'bob');
});

afterAll(async () => {
  await stopChemPool();
  await gw?.stop();
});

const caller = (viewer: Viewer) => createCaller({ ...gw.deps, viewer });

async function trpcError(p: Promise<unknown>): Promise<TRPCError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  if (!(e instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${e === null ? 'success' : String(e)}`);
  return e;
}

const appCode = (e: TRPCError) => (e.cause as { code?: string } | undefined)?.code;

async function depictAs(client: string, smiles: string) {
  const url = `http://gateway.test/api/depict?smiles=${encodeURIComponent(smiles)}`;
  const res = await depict(new NextRequest(url, { headers: { 'x-forwarded-for': client } }));
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

/** Bob's prediction of aspirin through the gateway, its RDKit and the worker. */
async function bobStillPredicts() {
  const p = await caller(bob).models.predict({ model: 'rdkit-descriptors', input: { smiles: 'OC(=O)c1ccccc1OC(C)=O' } });
  expect(p.error).toBeNull();
  expect(p.input.smiles).toBe(ASPIRIN);
  expect(p.output!.tpsa).toBeCloseTo(63.6, 1);
}

describe('poisoning inputs are refused before RDKit sees them', () => {
  const cases: [string, string, RegExp][] = [
    ['1,000 × C', POISON.chain1000, /has 1000 atoms; the limit is 500 \(GATEWAY_MAX_ATOMS\)/],
    ['a 2,000-character SMILES', POISON.long2000, /has 1003 atoms; the limit is 500 \(GATEWAY_MAX_ATOMS\)/],
    ['a 620-atom chain', POISON.chain620, /has 620 atoms; the limit is 500 \(GATEWAY_MAX_ATOMS\)/],
    ['400 rings', POISON.rings400, /has 1200 atoms; the limit is 500/],
    ['250 benzene rings', POISON.benzenes250, /has 1500 atoms; the limit is 500/],
    ['5,000 characters', `C${'.C'.repeat(2500)}`, /is 5001 characters long; the limit is 4000 \(GATEWAY_MAX_SMILES_LENGTH\)/],
    ['120 ring closures', 'C1C1'.repeat(120), /has 120 ring closures; the limit is 100 \(GATEWAY_MAX_RING_CLOSURES\)/],
  ];

  it.each(cases)('%s: depict, predict and jobs.create answer typed refusals; another user still predicts', async (_name, smiles, limit) => {
    const drawn = await depictAs('203.0.113.7', smiles);
    expect(drawn.status).toBe(400);
    expect(JSON.parse(drawn.body).error).toMatchObject({ appCode: 'INVALID_INPUT', message: expect.stringMatching(limit) });

    const refused = await trpcError(caller(mallory).models.predict({ model: 'rdkit-descriptors', input: { smiles } }));
    expect(refused.code).toBe('BAD_REQUEST');
    expect(appCode(refused)).toBe('INVALID_INPUT');
    expect(refused.message).toMatch(new RegExp(`^field "smiles" ${limit.source}`));

    // A job refuses the item (never the whole job) with the same words.
    const job = await caller(mallory).jobs.create({ model: 'rdkit-descriptors', inputs: [{ smiles }] });
    expect((await waitForJob(gw.deps, mallory, job.id)).status).toBe('failed');
    const [result] = (await caller(mallory).jobs.results({ jobId: job.id })).items;
    expect(result).toMatchObject({ status: 'failed', errorCode: 'INVALID_INPUT', error: expect.stringMatching(new RegExp(`^item 0: field "smiles" ${limit.source}`)) });

    await bobStillPredicts();
  });
});

describe('a molecule past the limits that makes RDKit throw', () => {
  // Raise the limits so the strings reach RDKit, which throws on them: only the pool stands between.
  beforeAll(() => {
    process.env.GATEWAY_MAX_ATOMS = '100000';
    process.env.GATEWAY_MAX_SMILES_LENGTH = '100000';
    process.env.GATEWAY_MAX_RING_CLOSURES = '100000';
  });
  afterAll(() => {
    delete process.env.GATEWAY_MAX_ATOMS;
    delete process.env.GATEWAY_MAX_SMILES_LENGTH;
    delete process.env.GATEWAY_MAX_RING_CLOSURES;
  });

  it('fails only that item, replaces its thread, and the next request gets a healthy RDKit', async () => {
    const before = getChemPool().stats().restarts;
    const refused = await trpcError(caller(mallory).models.predict({ model: 'rdkit-descriptors', input: { smiles: POISON.chain620 } }));
    expect(appCode(refused)).toBe('INVALID_INPUT');
    expect(refused.message).toMatch(/^field "smiles": RDKit could not process this molecule \(memory access out of bounds\)/);
    expect(getChemPool().stats().restarts).toBe(before + 1);
    await bobStillPredicts();

    // In a job, the items after the breaking one run in a fresh thread.
    const job = await caller(mallory).jobs.create({ model: 'rdkit-descriptors', inputs: [{ smiles: 'CCO' }, { smiles: POISON.rings400 }, { smiles: 'c1ccccc1O' }] });
    await waitForJob(gw.deps, mallory, job.id);
    const results = (await caller(mallory).jobs.results({ jobId: job.id })).items.sort((a, b) => a.index - b.index);
    expect(results.map((r) => r.status)).toEqual(['succeeded', 'failed', 'succeeded']);
    expect(results[1].error).toMatch(/^item 1: field "smiles": RDKit could not process this molecule/);

    const drawn = await depictAs('203.0.113.8', POISON.chain1000);
    expect(drawn.status).toBe(400);
    expect(JSON.parse(drawn.body).error).toMatchObject({ appCode: 'INVALID_INPUT', message: expect.stringMatching(/^RDKit could not process this molecule/) });
    expect(getChemPool().stats().restarts).toBeGreaterThanOrEqual(before + 3);

    await bobStillPredicts();
    const ok = await depictAs('203.0.113.8', ASPIRIN);
    expect(ok.status).toBe(200);
    expect(ok.type).toBe('image/svg+xml');
    expect((await checkHealth(gw.deps)).chemistry).toEqual({ ok: true });
  });
});

describe('/api/depict', () => {
  it('answers a SMILES RDKit cannot parse with 400 INVALID_INPUT, and a NUL byte too', async () => {
    const bad = await depictAs('198.51.100.1', 'C1CC(');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toMatchObject({ appCode: 'INVALID_INPUT', message: expect.stringMatching(/RDKit cannot parse the SMILES "C1CC\("/) });
    const nul = await depictAs('198.51.100.1', 'CC\u0000O');
    expect(nul.status).toBe(400);
    expect(JSON.parse(nul.body).error.message).toMatch(/NUL byte/);
  });

  it('limits each client with a token bucket: 429 RATE_LIMITED with Retry-After, other clients unaffected', async () => {
    process.env.GATEWAY_DEPICT_BURST = '5';
    process.env.GATEWAY_DEPICT_RATE = '1';
    try {
      const statuses: number[] = [];
      let limited: Response | undefined;
      for (let i = 0; i < 8; i++) {
        const res = await depict(new NextRequest(`http://gateway.test/api/depict?smiles=CCO&w=${100 + i}`, { headers: { 'x-forwarded-for': '192.0.2.99' } }));
        statuses.push(res.status);
        if (res.status === 429) limited ??= res;
      }
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(5);
      expect(statuses).toContain(429);
      expect(limited!.headers.get('retry-after')).toMatch(/^\d+$/);
      expect((await limited!.json()).error).toMatchObject({ appCode: 'RATE_LIMITED', message: expect.stringMatching(/try again in \d+ s/) });
      expect((await depictAs('192.0.2.100', 'CCO')).status).toBe(200);
    } finally {
      delete process.env.GATEWAY_DEPICT_BURST;
      delete process.env.GATEWAY_DEPICT_RATE;
    }
  });
});
