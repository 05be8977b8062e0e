import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayClient } from '../../../clients/typescript/src';
import { createUser, startTestGateway, type TestGateway } from '../../../test/support';
import { stopChemPool } from '../chem/chem-pool';
import type { Db } from '../db/client';
import type { JobWatcher } from '../jobs/job-watcher';
import { createApiToken, revokeApiToken } from '../users/users.service';
import type { Viewer } from '../users/viewer';
import { createLeanApiServer } from './lean-server';

let gw: TestGateway;
let alice: Viewer;
let server: http.Server;
let url: string;

beforeAll(async () => {
  gw = await startTestGateway();
  alice = await createUser(gw.db, 'alice');
  // The server builds its own handles from the environment, as in its own process.
  process.env.DATABASE_URL = gw.t.url;
  process.env.NEXTAUTH_SECRET ??= 'test-secret';
  server = createLeanApiServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  const g = globalThis as unknown as { __gatewayDeps?: { db: Db; watcher: JobWatcher; boss?: Promise<{ stop: (o: object) => Promise<void> }> } };
  const shared = g.__gatewayDeps;
  g.__gatewayDeps = undefined;
  if (shared) {
    await (await shared.boss?.catch(() => undefined))?.stop({ graceful: false, close: true });
    await shared.watcher.close();
    await shared.db.destroy();
  }
  await stopChemPool();
  await gw?.stop();
});

describe('the lean API server', () => {
  it('answers the SDK with the same routers: who am I, a submitted job, its result', async () => {
    const { token } = await createApiToken(gw.deps, alice, { name: 'lean' });
    const client = createGatewayClient({ url, token });
    expect((await client.me()).id).toBe(alice.id);
    const job = await client.jobs.submit({ model: 'rdkit-descriptors', inputs: [{ smiles: 'CCO' }] });
    const done = await client.jobs.wait(job.id, { timeoutMs: 60_000, intervalMs: 100 });
    expect(done).toMatchObject({ status: 'succeeded', itemsDone: 1 });
    const audit = await gw.db.selectFrom('audit_log').select(['channel', 'procedure']).where('entity_id', '=', job.id).where('action', '=', 'job.create').executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ channel: 'sdk', procedure: 'jobs.create' });
  });

  it('refuses a call without a token (401), a revoked token, and paths it does not serve', async () => {
    const anonymous = await fetch(`${url}/api/trpc/me.get`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/Bearer/);
    const t = await createApiToken(gw.deps, alice, { name: 'soon revoked' });
    const client = createGatewayClient({ url, token: t.token });
    expect((await client.me()).id).toBe(alice.id);
    await revokeApiToken(gw.deps, alice, { id: t.id });
    // Revoked in this process: refused at once (another process's revoke: within GATEWAY_TOKEN_CACHE_SECONDS).
    const after = await fetch(`${url}/api/trpc/me.get`, { headers: { authorization: `Bearer ${t.token}` } });
    expect(after.status).toBe(401);
    expect((await fetch(`${url}/api/v1/models`, { headers: { authorization: `Bearer ${t.token}` } })).status).toBe(404);
  });

  it('keeps the body limit and typed errors of the Next route', async () => {
    const { token } = await createApiToken(gw.deps, alice, { name: 'limits' });
    const bad = await fetch(`${url}/api/trpc/jobs.create`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'rdkit-descriptors', inputs: 'nope' }) });
    expect(bad.status).toBe(400);
  });
});
