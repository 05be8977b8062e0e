import { createConfig, lintFromString } from '@redocly/openapi-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startTestGateway, waitForJob, type TestGateway } from '../../../../test/support';
import { createApiToken } from '../../users/users.service';
import type { Viewer } from '../../users/viewer';
import { resolveViewer } from '../context';
import { handleRest, type Problem } from './handler';
import { buildOpenApiDocument } from './openapi';
import { allProcedures } from './procedures';
import { REST_EXCLUDED, REST_ROUTES } from './routes';
import type { NextRequest } from 'next/server';

let gw: TestGateway;
let alice: Viewer;
let aliceToken: string;
let bobToken: string;

beforeAll(async () => {
  gw = await startTestGateway();
  alice = await createUser(gw.db, 'alice');
  const bob = await createUser(gw.db, 'bob');
  aliceToken = (await createApiToken(gw.deps, alice, { name: 'rest test' })).token;
  bobToken = (await createApiToken(gw.deps, bob, { name: 'rest test' })).token;
});

afterAll(async () => gw?.stop());

const BASE = 'http://gateway.test/api/v1';

async function call(method: string, path: string, o: { token?: string | null; body?: unknown; rawBody?: string } = {}) {
  const token = o.token === undefined ? aliceToken : o.token;
  const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}) };
  if (o.body !== undefined || o.rawBody !== undefined) headers['content-type'] = 'application/json';
  const req = new Request(`${BASE}${path}`, { method, headers, body: o.rawBody ?? (o.body === undefined ? undefined : JSON.stringify(o.body)) });
  const res = await handleRest(req, { deps: async () => gw.deps, resolveViewer: (deps, r) => resolveViewer(deps, r as NextRequest) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

describe('the OpenAPI document', () => {
  it('passes the Redocly linter (recommended rules) without an error', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: JSON.stringify(buildOpenApiDocument()), absoluteRef: 'openapi.json', config });
    const errors = problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    expect(errors).toEqual([]);
  });

  it('documents every REST route, and every procedure has a route or a stated reason not to', () => {
    const doc = buildOpenApiDocument();
    const procedures = [...allProcedures().keys()];
    const unaddressed = procedures.filter((p) => !REST_ROUTES.some((r) => r.procedure === p) && !(p in REST_EXCLUDED));
    expect(unaddressed, 'give these procedures a REST_ROUTES row or a REST_EXCLUDED reason').toEqual([]);
    for (const r of REST_ROUTES) {
      expect(procedures, `${r.method} ${r.path}`).toContain(r.procedure);
      expect((doc.paths[r.path] as Record<string, unknown>)?.[r.method.toLowerCase()], `${r.method} ${r.path} is not in the document`).toBeDefined();
    }
    const keys = REST_ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  // As a member (not the admin, whose empty-bodied calls could deprecate a built-in version), with ids that exist.
  it('every documented operation answers (reaches its procedure: never a missing route or a wrong method)', async () => {
    const token = bobToken;
    const predicted = await call('POST', '/jobs', { token, body: { model: 'rdkit-descriptors', inputs: [{ smiles: 'CCO' }] } });
    expect(predicted.status).toBe(200);
    const model = await call('GET', '/models/rdkit-descriptors', { token });
    const values: Record<string, string> = {
      id: predicted.body.id,
      slug: 'rdkit-descriptors',
      model: 'rdkit-descriptors',
      alias: 'staging',
      versionId: model.body.versions[0].id,
    };
    const doc = buildOpenApiDocument();
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ path, method: method.toUpperCase() })));
    expect(operations.length).toBeGreaterThan(30);
    for (const op of operations) {
      const path = op.path.replace(/\{(\w+)\}/g, (_m, p: string) => encodeURIComponent(values[p] ?? '00000000-0000-4000-8000-000000000000'));
      const res = await call(op.method, path, op.method === 'GET' || op.method === 'DELETE' ? { token } : { token, body: {} });
      expect(res.status, `${op.method} ${op.path}`).not.toBe(405);
      if (res.status === 404) expect(res.body.detail, `${op.method} ${op.path}`).not.toMatch(/no REST route/);
      expect(res.status, `${op.method} ${op.path}: ${JSON.stringify(res.body)}`).toBeLessThan(500);
    }
  });
});

describe('REST at /api/v1', () => {
  it('lists models and shows one', async () => {
    const list = await call('GET', '/models?limit=100&status=published');
    expect(list.status).toBe(200);
    expect(list.body.items.map((m: { slug: string }) => m.slug)).toContain('esol-solubility');
    const one = await call('GET', '/models/esol-solubility');
    expect(one.status).toBe(200);
    expect(one.body.slug).toBe('esol-solubility');
  });

  it('predicts one molecule, answering the canonical input and the output', async () => {
    const res = await call('POST', '/models/rdkit-descriptors/predict', { body: { input: { smiles: 'OCC' } } });
    expect(res.status).toBe(200);
    expect(res.body.input.smiles).toBe('CCO');
    expect(Number.isFinite(res.body.output.logP)).toBe(true);
  });

  it('submits a job, follows it and pages its results with query parameters converted to numbers', async () => {
    const smiles = ['CCO', 'c1ccccc1', 'CC(=O)O', 'C1CC('];
    const created = await call('POST', '/jobs', { body: { model: 'ocl-properties', inputs: smiles.map((s) => ({ smiles: s })), label: 'rest' } });
    expect(created.status).toBe(200);
    await waitForJob(gw.deps, alice, created.body.id);
    const job = await call('GET', `/jobs/${created.body.id}`);
    expect(job.body).toMatchObject({ status: 'succeeded', itemsTotal: 4, itemsDone: 3, itemsFailed: 1 });
    const page1 = await call('GET', `/jobs/${created.body.id}/results?limit=2&offset=0`);
    const page2 = await call('GET', `/jobs/${created.body.id}/results?limit=2&offset=2`);
    expect(page1.body.total).toBe(4);
    expect([...page1.body.items, ...page2.body.items].map((r: { index: number }) => r.index)).toEqual([0, 1, 2, 3]);
    const failed = await call('GET', `/jobs/${created.body.id}/results?status=failed`);
    expect(failed.body.items.map((r: { index: number }) => r.index)).toEqual([3]);
    const listed = await call('GET', '/jobs?limit=5');
    expect(listed.body.items.map((j: { id: string }) => j.id)).toContain(created.body.id);
    const cancelled = await call('POST', `/jobs/${created.body.id}/cancel`);
    expect(cancelled.status).toBeLessThan(500);
  });

  it('answers errors as RFC 9457 problem+json carrying the appCode', async () => {
    const anonymous = await call('GET', '/models', { token: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toBe('application/problem+json');
    expect(anonymous.body).toMatchObject({ status: 401, appCode: 'UNAUTHORIZED', instance: '/api/v1/models' } satisfies Partial<Problem>);
    expect(anonymous.body.detail).toMatch(/Bearer/);

    const badSmiles = await call('POST', '/models/esol-solubility/predict', { body: { input: { smiles: 'C1CC(' } } });
    expect(badSmiles).toMatchObject({ status: 400, body: { appCode: 'INVALID_INPUT', type: '/docs/api#problem-invalid-input' } });

    const badQuery = await call('GET', '/jobs?limit=abc');
    expect(badQuery).toMatchObject({ status: 400, body: { appCode: 'INVALID_INPUT' } });
    expect(badQuery.body.detail).toMatch(/limit/);

    const notJson = await call('POST', '/jobs', { rawBody: '{"model":' });
    expect(notJson).toMatchObject({ status: 400, body: { appCode: 'INVALID_INPUT' } });

    const noRoute = await call('GET', '/nothing/here');
    expect(noRoute).toMatchObject({ status: 404, body: { appCode: 'NOT_FOUND' } });
    const wrongMethod = await call('DELETE', '/jobs');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, POST');
  });

  it("is NOT_FOUND for another user's job, as over tRPC", async () => {
    const created = await call('POST', '/jobs', { body: { model: 'rdkit-descriptors', inputs: [{ smiles: 'CCO' }] } });
    const other = await call('GET', `/jobs/${created.body.id}`, { token: bobToken });
    expect(other).toMatchObject({ status: 404, body: { appCode: 'NOT_FOUND' } });
    const results = await call('GET', `/jobs/${created.body.id}/results`, { token: bobToken });
    expect(results.status).toBe(404);
  });

  it('serves the document at /api/v1/openapi.json without a token', async () => {
    const res = await call('GET', '/openapi.json', { token: null });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toContain('/jobs/{id}/results');
  });
});
