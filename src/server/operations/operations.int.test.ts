import { queueCatalog } from '../queue/catalog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpModelServer, type HttpModelServer } from '../../../test/fixtures/http-model-server';
import { createUser, registerFixtureModel, startTestGateway, until, waitForJob, type TestGateway } from '../../../test/support';
import { createCaller } from '../api/root';
import { csvField, exportAuditCsv } from '../audit/audit-viewer.service';
import * as jobs from '../jobs/jobs.service';
import { publishTrustedManifest } from '../models/builtins.service';
import { ZModelManifest } from '../models/models.schema';
import type { Viewer } from '../users/viewer';

let gw: TestGateway;
let admin: Viewer;
let member: Viewer;
let server: HttpModelServer;

beforeAll(async () => {
  gw = await startTestGateway({ worker: { poolSize: 1 } });
  server = await startHttpModelServer();
  admin = await createUser(gw.db, 'admin');
  member = await createUser(gw.db, 'member');
  await registerFixtureModel(gw.db, 'echo');
  const manifest = ZModelManifest.parse({
    slug: 'http-flaky',
    name: 'SMILES length over HTTP',
    version: 1,
    task: 'test/http',
    runtime: { kind: 'http', url: server.url, protocol: 'oip-v2', model: 'smiles-length' },
    inputSchema: { type: 'object', properties: { smiles: { type: 'string', format: 'smiles' } }, required: ['smiles'] },
    outputSchema: { type: 'object', properties: { length: { type: 'integer' }, heavy: { type: 'integer' } }, required: ['length', 'heavy'] },
    batchSize: 10,
    timeoutMs: 5000,
  });
  await publishTrustedManifest(gw.deps, { manifest, builtIn: false });
}, 240_000);
afterAll(async () => {
  await gw?.stop();
  await server?.close();
});

const as = (viewer: Viewer) => createCaller({ ...gw.deps, viewer, channel: 'ui', requestId: `req-${Date.now()}` });

describe('admin operations', () => {
  it('a task failing past its retries is dead-lettered; Retry sends it again, and each item ends with exactly one result', async () => {
    // Every attempt (the first and its 3 retries) gets a 500: the queue gives up.
    for (let i = 0; i < 4; i++) server.failNext('500');
    const job = await jobs.submitJob(gw.deps, member, { model: 'http-flaky', inputs: ['CCO', 'CCN'].map((smiles) => ({ smiles })) });
    const failed = await waitForJob(gw.deps, member, job.id, 180_000);
    expect(failed).toMatchObject({ status: 'failed', itemsFailed: 2 });

    const dead = await as(admin).operations.deadLetters();
    const letter = dead.find((d) => d.jobId === job.id)!;
    expect(letter).toMatchObject({ model: 'http-flaky@1', ownerEmail: member.email, items: 2, attempts: 4, blocked: null });
    expect(letter.error).toMatch(/UNAVAILABLE/);

    // Only admins see or retry them.
    await expect(as(member).operations.deadLetters()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as(member).operations.retryDeadLetter({ taskId: letter.taskId })).rejects.toMatchObject({ code: 'FORBIDDEN' });

    const retried = await as(admin).operations.retryDeadLetter({ taskId: letter.taskId });
    expect(retried).toEqual({ taskId: letter.taskId, jobId: job.id, itemsReopened: 2 });
    // A second click finds nothing to retry.
    await expect(as(admin).operations.retryDeadLetter({ taskId: letter.taskId })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    await until(async () => (await jobs.getJob(gw.deps, member, { jobId: job.id })).status === 'succeeded', 'the retried job succeeds', 120_000);
    const done = await jobs.getJob(gw.deps, member, { jobId: job.id });
    expect(done).toMatchObject({ itemsDone: 2, itemsFailed: 0, itemsTotal: 2 });
    const results = await gw.db.selectFrom('results').select(['item_index', 'status', 'output']).where('job_id', '=', job.id).orderBy('item_index').execute();
    expect(results).toEqual([
      { item_index: 0, status: 'succeeded', output: { length: 3, heavy: 3 } },
      { item_index: 1, status: 'succeeded', output: { length: 3, heavy: 3 } },
    ]);
    expect((await as(admin).operations.deadLetters()).find((d) => d.taskId === letter.taskId)).toBeUndefined();

    const entry = await gw.db.selectFrom('audit_log').selectAll().where('action', '=', 'task.retry').executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ actor_id: admin.id, entity_id: letter.taskId, channel: 'ui', outcome: 'ok' });
  }, 300_000);

  it('shows queue depth, live workers by their heartbeats, and per-model success rate and latency', async () => {
    const queues = await as(admin).operations.queues();
    // Every queue of the catalog, in its order.
    expect(queues.map((q) => q.name)).toEqual(Object.keys(queueCatalog));
    for (const q of queues) expect(q.queued).toBeGreaterThanOrEqual(0);

    await until(async () => (await as(admin).operations.workers()).workers.some((w) => w.state === 'alive'), 'the worker has written a heartbeat');
    const { workers } = await as(admin).operations.workers();
    expect(workers.find((w) => w.state === 'alive')).toMatchObject({ pid: process.pid, executors: expect.arrayContaining(['process', 'http']) });

    const j = await jobs.submitJob(gw.deps, member, { model: 'test-echo', inputs: [{ smiles: 'CCO' }, { smiles: 'CCC' }] });
    await waitForJob(gw.deps, member, j.id);
    const stats = (await as(admin).operations.modelStats({ days: 1 })).models;
    expect(stats.find((s) => s.model === 'test-echo')).toMatchObject({ results: 2, succeeded: 2, failed: 0, successRate: 1, p50Ms: expect.any(Number) });
    // The flaky model: 2 items that failed, then succeeded on the retry (the failed results were replaced).
    expect(stats.find((s) => s.model === 'http-flaky')).toMatchObject({ results: 2, succeeded: 2 });

    const report = await as(admin).cost.report({ by: 'user' });
    const row = report.rows.find((r) => r.label === member.email)!;
    expect(row.jobs).toBeGreaterThanOrEqual(2);
    expect(row.cpuSeconds).toBeGreaterThan(0);
    expect(row.cost).toBeCloseTo(row.cpuSeconds * report.prices.cpuSecond + row.gpuSeconds * report.prices.gpuSecond, 6);
    expect((await as(admin).cost.report({ by: 'model' })).rows.map((r) => r.label)).toEqual(expect.arrayContaining(['test-echo', 'http-flaky']));
    await expect(as(member).cost.report({ by: 'user' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  }, 180_000);

  it('lists the audit log with filters and exports it as CSV', async () => {
    await as(admin).quotas.set({ subject: { type: 'user', id: member.id }, limits: { concurrentJobs: 3, itemsPerDay: null, cpuSecondsPerMonth: null, gpuSecondsPerMonth: null } });
    const list = await as(admin).audit.list({ action: 'quota.', channel: 'ui' });
    expect(list.total).toBe(1);
    expect(list.items[0]).toMatchObject({ action: 'quota.update', actorEmail: admin.email, entityId: `user:${member.id}`, after: { concurrentJobs: 3 } });
    expect((await as(admin).audit.list({ actor: member.email, action: 'quota.' })).total).toBe(0);
    const today = new Date().toISOString().slice(0, 10);
    expect((await as(admin).audit.list({ from: today, to: today })).total).toBeGreaterThan(1);
    expect((await as(admin).audit.list({ to: '2000-01-01' })).total).toBe(0);
    await expect(as(member).audit.list({})).rejects.toMatchObject({ code: 'FORBIDDEN' });

    const { csv, rows } = await exportAuditCsv(gw.deps, admin, { action: 'task.retry' });
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('seq,at,actorEmail,actorId,actorRole,channel,requestId,procedure,action,entityType,entityId,outcome,errorCode,errorMessage,before,after,input,hash');
    expect(rows).toBe(1);
    expect(lines[1]).toContain(`,${admin.email},${admin.id},admin,ui,`);
    expect(lines[1]).toContain(',task.retry,task,');
    // What users typed cannot run as a spreadsheet formula.
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
  });
});
