import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createUser, registerFixtureModel, startTestGateway, until, waitForJob, type TestGateway } from '../../../test/support';
import { createCaller } from '../api/root';
import * as jobsRepo from '../jobs/jobs.repository';
import * as jobs from '../jobs/jobs.service';
import { createApiToken } from '../users/users.service';
import type { Viewer } from '../users/viewer';
import { startWorker, type WorkerHandle } from '../../workers/main';
import { deliverWebhook } from './deliver';
import { emitJobEvents } from './events';
import { verifyWebhook } from './signature';
import { insertDeliveries } from './webhooks.repository';
import * as webhooks from './webhooks.service';
import type { WebhookDelivery } from './webhooks.types';

// Retries after 1 s, 2 s, … instead of 2 s, 4 s, … (read when the queue catalog is loaded).
vi.hoisted(() => {
  process.env.WEBHOOK_RETRY_DELAY_SECONDS = '1';
});

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: { id: string; event: string; jobId: string; job: { status: string; itemsTotal: number; itemsDone: number; itemsFailed: number }; occurredAt: string };
}

/** A loopback receiver: records every request; answers each path with its queued status codes, then 200. */
function startReceiver() {
  const received: Received[] = [];
  const answers = new Map<string, number[]>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body, json: JSON.parse(body) });
      const status = answers.get(path)?.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'try again');
    });
  });
  return {
    received,
    answers,
    on: (path: string) => received.filter((r) => r.path === path),
    async listen() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const LIFECYCLE = ['started', 'progress', 'succeeded', 'failed', 'cancelled'];

/** Deliveries may arrive out of order (docs/webhooks.md): received events in the order they happened. */
const byOccurrence = (got: Received[]) =>
  [...got].sort((a, b) => a.json.occurredAt.localeCompare(b.json.occurredAt) || LIFECYCLE.indexOf(a.json.event) - LIFECYCLE.indexOf(b.json.event));

let gw: TestGateway;
let worker: WorkerHandle;
let owner: Viewer;
let stranger: Viewer;
let base: string;
const receiver = startReceiver();
/** The job submitted before the worker started, and its webhook's secret. */
let early: { jobId: string; webhookId: string; secret: string };

const caller = (viewer: Viewer) => createCaller({ ...gw.deps, viewer, channel: 'api' });

async function deliveries(viewer: Viewer, q: { webhookId?: string; jobId?: string }): Promise<WebhookDelivery[]> {
  return (await webhooks.listDeliveries(gw.deps, viewer, { ...q, limit: 200 })).items;
}

async function trpcError(p: Promise<unknown>): Promise<TRPCError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(TRPCError);
    return e as TRPCError;
  }
  throw new Error('expected a refusal');
}

beforeAll(async () => {
  base = await receiver.listen();
  // No worker yet: the first job's webhook exists before anything of the job has run.
  gw = await startTestGateway({ worker: false });
  await registerFixtureModel(gw.db, 'echo', { batchSize: 2 });
  await registerFixtureModel(gw.db, 'hang');
  owner = await createUser(gw.db, 'owner');
  stranger = await createUser(gw.db, 'stranger');
  const job = await jobs.submitJob(gw.deps, owner, { model: 'test-echo', inputs: Array.from({ length: 10 }, (_, i) => ({ smiles: 'C'.repeat(i + 1) })) });
  const hook = await caller(owner).webhooks.create({ url: `${base}/early`, jobId: job.id, progressStep: 20 });
  early = { jobId: job.id, webhookId: hook.id, secret: hook.secret };
  worker = await startWorker({ databaseUrl: gw.t.url, log: () => {} });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await gw?.stop();
  await receiver.close();
});

describe('webhooks', () => {
  it('sends started, progress every 20 % and succeeded for a job, each signed with its secret', async () => {
    expect(early.secret).toMatch(/^whsec_/);
    await waitForJob(gw.deps, owner, early.jobId);
    // started, four progress events and succeeded, in whatever order they arrive.
    await until(() => receiver.on('/early').length >= 6, 'every event arrived');
    const got = byOccurrence(receiver.on('/early'));
    const events = got.map((r) => r.json.event);
    expect(events[0]).toBe('started');
    expect(events.filter((e) => e === 'started')).toHaveLength(1);
    expect(events.at(-1)).toBe('succeeded');
    // Five tasks of two items: 20, 40, 60, 80 % are each crossed once; 100 % is the succeeded event.
    const progress = got.filter((r) => r.json.event === 'progress').map((r) => r.json.job.itemsDone + r.json.job.itemsFailed);
    expect(progress.sort((a, b) => a - b)).toEqual([2, 4, 6, 8]);
    expect(new Set(got.map((r) => r.json.id)).size).toBe(got.length);
    const last = got.at(-1)!;
    expect(last.json).toMatchObject({ event: 'succeeded', jobId: early.jobId, job: { status: 'succeeded', itemsTotal: 10, itemsDone: 10, itemsFailed: 0 } });
    expect(last.headers['x-gateway-event']).toBe('succeeded');
    expect(last.headers['x-gateway-delivery']).toBe(last.json.id);
    for (const r of got) {
      const check = { body: r.body, timestamp: r.headers['x-gateway-timestamp'] as string, signature: r.headers['x-gateway-signature'] as string };
      expect(verifyWebhook({ secret: early.secret, ...check })).toEqual({ ok: true });
      expect(verifyWebhook({ secret: 'whsec_wrong', ...check })).toEqual({ ok: false, reason: 'mismatch' });
      expect(verifyWebhook({ secret: early.secret, ...check, body: r.body.replace('"jobId"', '"jobID"') })).toEqual({ ok: false, reason: 'mismatch' });
      expect(verifyWebhook({ secret: early.secret, ...check, nowSeconds: Number(check.timestamp) + 301 })).toEqual({ ok: false, reason: 'stale' });
    }
    await until(async () => (await deliveries(owner, { webhookId: early.webhookId })).every((d) => d.status === 'delivered'), 'every delivery is marked delivered');
    const log = await deliveries(owner, { jobId: early.jobId });
    expect(log).toHaveLength(got.length);
    expect(log.every((d) => d.attempts === 1 && d.lastStatusCode === 200 && d.deliveredAt)).toBe(true);
  });

  it("tells a job's webhook made while the job runs that it started, with the counts of now, then what follows", async () => {
    const job = await jobs.submitJob(gw.deps, owner, { model: 'test-hang', inputs: [{ smiles: 'N' }] });
    await until(async () => (await jobs.getJob(gw.deps, owner, { jobId: job.id })).status === 'running', 'a worker picked the job up');
    const hook = await caller(owner).webhooks.create({ url: `${base}/late`, jobId: job.id });
    await until(() => receiver.on('/late').length > 0, 'the started event arrived');
    const { startedAt } = await jobs.getJob(gw.deps, owner, { jobId: job.id });
    expect(receiver.on('/late')[0].json).toEqual({
      id: expect.any(String),
      event: 'started',
      jobId: job.id,
      job: { status: 'running', itemsTotal: 1, itemsDone: 0, itemsFailed: 0 },
      occurredAt: startedAt,
      catchUp: true,
    });
    await jobs.cancelJob(gw.deps, owner, { jobId: job.id });
    await until(() => receiver.on('/late').length > 1, 'the cancelled event arrived');
    expect(receiver.on('/late').map((r) => r.json.event)).toEqual(['started', 'cancelled']);
    expect((await deliveries(owner, { webhookId: hook.id })).map((d) => d.event)).toEqual(['cancelled', 'started']);
  });

  it("tells a job's webhook made after the job ended how it ended, if it listens to that", async () => {
    await waitForJob(gw.deps, owner, early.jobId);
    const hook = await webhooks.createWebhook(gw.deps, owner, { url: `${base}/ended`, jobId: early.jobId });
    const quiet = await webhooks.createWebhook(gw.deps, owner, { url: `${base}/ended-quiet`, jobId: early.jobId, events: ['started', 'progress'] });
    await until(() => receiver.on('/ended').length > 0, 'the succeeded event arrived');
    expect(receiver.on('/ended').map((r) => r.json)).toEqual([
      expect.objectContaining({ event: 'succeeded', jobId: early.jobId, job: { status: 'succeeded', itemsTotal: 10, itemsDone: 10, itemsFailed: 0 }, catchUp: true }),
    ]);
    expect(await deliveries(owner, { webhookId: hook.id })).toHaveLength(1);
    expect(await deliveries(owner, { webhookId: quiet.id })).toEqual([]);
  });

  it('tells a webhook made while a change of its job commits of that change once', async () => {
    const job = await jobs.submitJob(gw.deps, owner, { model: 'test-hang', inputs: [{ smiles: 'NN' }] });
    let creating: ReturnType<typeof webhooks.createWebhook> | undefined;
    await gw.db.transaction().execute(async (tx) => {
      // What cancelJob does in its transaction; the webhook is made after its events were written, before it commits.
      expect(await jobsRepo.cancelJob(tx, job.id)).toBeDefined();
      await emitJobEvents(tx, gw.boss, job.id, { kind: 'cancelled' });
      creating = webhooks.createWebhook(gw.deps, owner, { url: `${base}/in-flight`, jobId: job.id });
      await new Promise((r) => setTimeout(r, 300));
    });
    const hook = await creating!;
    expect((await deliveries(owner, { webhookId: hook.id })).map((d) => [d.event, d.payload.catchUp])).toEqual([['cancelled', true]]);
    await until(() => receiver.on('/in-flight').length > 0, 'the cancelled event arrived');
    expect(receiver.on('/in-flight').map((r) => r.json.event)).toEqual(['cancelled']);
  });

  it('gives a webhook made while its job is being claimed or counted each event once: started before the end, or the end alone', async () => {
    // Made right after submission, each webhook races the worker: the job may be queued, running or over.
    const made = [];
    for (let i = 0; i < 8; i++) {
      const job = await jobs.submitJob(gw.deps, owner, { model: 'test-echo', inputs: Array.from({ length: 4 }, (_, k) => ({ smiles: `O${'C'.repeat(i + 1)}${'N'.repeat(k)}O` })) });
      const hook = await webhooks.createWebhook(gw.deps, owner, { url: `${base}/race`, jobId: job.id, events: ['started', 'succeeded'] });
      made.push({ job, hook });
    }
    for (const { job, hook } of made) {
      await waitForJob(gw.deps, owner, job.id);
      // Deliveries are written with the change they report: once the job has ended, all of them exist.
      const log = await deliveries(owner, { webhookId: hook.id });
      const ended = log.filter((d) => d.event === 'succeeded');
      expect(ended, `job ${job.id}`).toHaveLength(1);
      expect(log.filter((d) => d.event === 'started'), `job ${job.id}`).toHaveLength(ended[0].payload.catchUp ? 0 : 1);
    }
  });

  it('pages the delivery log with a cursor, newest first', async () => {
    const first = await webhooks.listDeliveries(gw.deps, owner, { webhookId: early.webhookId, limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const rest = await webhooks.listDeliveries(gw.deps, owner, { webhookId: early.webhookId, limit: 200, cursor: first.nextCursor! });
    const all = await deliveries(owner, { webhookId: early.webhookId });
    expect([...first.items, ...rest.items].map((d) => d.id)).toEqual(all.map((d) => d.id));
    expect(rest.nextCursor).toBeNull();
  });

  it('pages past deliveries made in one transaction (one created_at, finer than the cursor’s milliseconds) without skipping any', async () => {
    // On a job that has ended, listening for progress only (so no catch-up of how it ended): nothing but these deliveries is written for the hook.
    await waitForJob(gw.deps, owner, early.jobId);
    const hook = await caller(owner).webhooks.create({ url: `${base}/paged`, jobId: early.jobId, events: ['progress'] });
    const payload = { event: 'progress' as const, jobId: early.jobId, job: { status: 'running', itemsTotal: 10, itemsDone: 2, itemsFailed: 0 }, occurredAt: new Date().toISOString() };
    const made = await insertDeliveries(gw.db, Array.from({ length: 5 }, () => ({ webhookId: hook.id, jobId: early.jobId, event: 'progress' as const, payload })));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await webhooks.listDeliveries(gw.deps, owner, { webhookId: hook.id, limit: 2, cursor });
      seen.push(...page.items.map((d) => d.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.sort()).toEqual([...made].sort());
  });

  it('retries a receiver that answers 500 twice, and records the delivery as delivered on the third attempt', async () => {
    receiver.answers.set('/flaky', [500, 500]);
    // 'N' is never answered by test-hang, so the job is still open to cancel (and nothing is cached).
    const job = await jobs.submitJob(gw.deps, owner, { model: 'test-hang', inputs: [{ smiles: 'N' }] });
    const hook = await webhooks.createWebhook(gw.deps, owner, { url: `${base}/flaky`, jobId: job.id, events: ['cancelled'] });
    await jobs.cancelJob(gw.deps, owner, { jobId: job.id });
    await until(async () => (await deliveries(owner, { webhookId: hook.id }))[0]?.status === 'delivered', 'the delivery succeeded after retries', 90_000);
    const [d] = await deliveries(owner, { webhookId: hook.id });
    expect(d).toMatchObject({ event: 'cancelled', status: 'delivered', attempts: 3, lastStatusCode: 200 });
    const got = receiver.on('/flaky');
    expect(got).toHaveLength(3);
    // Every attempt is the same delivery: a receiver dedupes by its id.
    expect(new Set(got.map((r) => r.json.id))).toEqual(new Set([d.id]));
    expect(got[0].json).toMatchObject({ event: 'cancelled', jobId: job.id, job: { status: 'cancelled' } });
  });

  it('keeps the last answer of a receiver that keeps failing, while it is retried', async () => {
    receiver.answers.set('/down', [503, 503, 503, 503, 503, 503, 503, 503, 503, 503]);
    // 'N' is never answered by test-hang, so the job is still open to cancel (and nothing is cached).
    const job = await jobs.submitJob(gw.deps, owner, { model: 'test-hang', inputs: [{ smiles: 'N' }] });
    const hook = await webhooks.createWebhook(gw.deps, owner, { url: `${base}/down`, jobId: job.id, events: ['cancelled'] });
    await jobs.cancelJob(gw.deps, owner, { jobId: job.id });
    await until(async () => ((await deliveries(owner, { webhookId: hook.id }))[0]?.attempts ?? 0) >= 2, 'two attempts were made');
    const [d] = await deliveries(owner, { webhookId: hook.id });
    expect(d).toMatchObject({ status: 'pending', lastStatusCode: 503 });
    expect(Date.parse(d.nextAttemptAt!)).toBeGreaterThan(Date.parse(d.createdAt));
    expect(d.lastError).toMatch(/HTTP 503: try again/);
    // Deleting the webhook stops the retries: the delivery is failed with the reason.
    await caller(owner).webhooks.delete({ id: hook.id });
    await until(async () => (await deliveries(owner, { webhookId: hook.id }))[0]?.status === 'failed', 'the delivery of a deleted webhook is failed', 90_000);
    expect((await caller(owner).webhooks.list({ jobId: job.id })).map((w) => w.id)).not.toContain(hook.id);
  });

  it('fails a delivery whose last attempt is refused, keeping the answer', async () => {
    receiver.answers.set('/gone', [410]);
    // Progress only: a webhook on a job that has ended is told how it ended, and this test sends its own delivery.
    const hook = await webhooks.createWebhook(gw.deps, owner, { url: `${base}/gone`, jobId: early.jobId, events: ['progress'] });
    const payload = { event: 'progress' as const, jobId: early.jobId, job: { status: 'running', itemsTotal: 10, itemsDone: 5, itemsFailed: 0 }, occurredAt: new Date().toISOString(), progress: 50 };
    const [deliveryId] = await insertDeliveries(gw.db, [{ webhookId: hook.id, jobId: early.jobId, event: 'progress', payload }]);
    const deps = { db: gw.db, boss: gw.boss, executors: new Map(), log: () => {}, versions: new Map() };
    const verdict = await deliverWebhook(deps, { deliveryId }, { number: 9, last: true });
    expect(verdict.status).toBe('failed'); // the queue moves it to webhook.dead
    const [d] = await deliveries(owner, { webhookId: hook.id });
    expect(d).toMatchObject({ id: deliveryId, status: 'failed', attempts: 1, lastStatusCode: 410, nextAttemptAt: null, deliveredAt: null });
    expect(d.lastError).toMatch(/HTTP 410/);
    // A delivery that has ended is not sent again by a late queue job.
    expect((await deliverWebhook(deps, { deliveryId }, { number: 9, last: true })).status).toBe('completed');
    expect(receiver.on('/gone')).toHaveLength(1);
  });

  it('replays a delivery from the log: the same payload again, under a new delivery id', async () => {
    const log = await deliveries(owner, { webhookId: early.webhookId });
    const original = log.find((d) => d.event === 'succeeded')!;
    const before = receiver.on('/early').length;
    const replay = await caller(owner).webhooks.replay({ deliveryId: original.id });
    expect(replay).toMatchObject({ replayOf: original.id, event: 'succeeded', status: 'pending' });
    expect(replay.id).not.toBe(original.id);
    await until(() => receiver.on('/early').length > before, 'the replay arrived');
    const again = receiver.on('/early').at(-1)!;
    const first = receiver.on('/early').find((r) => r.json.id === original.id)!;
    expect(again.json.id).toBe(replay.id);
    const { id: _a, ...payloadAgain } = again.json;
    const { id: _b, ...payloadFirst } = first.json;
    expect(payloadAgain).toEqual(payloadFirst);
    expect(verifyWebhook({ secret: early.secret, body: again.body, timestamp: again.headers['x-gateway-timestamp'] as string, signature: again.headers['x-gateway-signature'] as string })).toEqual({ ok: true });
  });

  it('sends the events of every job submitted with a token to that token’s webhook, and none of other jobs', async () => {
    const token = await createApiToken(gw.deps, owner, { name: 'ci' });
    const hook = await caller(owner).webhooks.create({ url: `${base}/token`, tokenId: token.id, events: ['started', 'succeeded'] });
    const byToken: Viewer = { ...owner, auth: { kind: 'token', tokenId: token.id } };
    // Molecules not run before in this file: a job answered from the result cache ends as it is written, never started.
    const job = await jobs.submitJob(gw.deps, byToken, { model: 'test-echo', inputs: [{ smiles: 'CC(C)C' }, { smiles: 'CC(C)CC' }] });
    const bySession = await jobs.submitJob(gw.deps, owner, { model: 'test-echo', inputs: [{ smiles: 'CC(C)(C)C' }] });
    await waitForJob(gw.deps, owner, job.id);
    await waitForJob(gw.deps, owner, bySession.id);
    await until(() => receiver.on('/token').length >= 2, 'the token webhook heard the job start and succeed');
    expect(byOccurrence(receiver.on('/token')).map((r) => [r.json.event, r.json.jobId])).toEqual([
      ['started', job.id],
      ['succeeded', job.id],
    ]);
    expect((await caller(owner).webhooks.list({ tokenId: token.id })).map((w) => w.id)).toEqual([hook.id]);
  });

  it('tells a token’s webhook of a job whose every input was refused at submission: failed, never started', async () => {
    const token = await createApiToken(gw.deps, owner, { name: 'refused' });
    await webhooks.createWebhook(gw.deps, owner, { url: `${base}/refused`, tokenId: token.id });
    const byToken: Viewer = { ...owner, auth: { kind: 'token', tokenId: token.id } };
    const job = await jobs.submitJob(gw.deps, byToken, { model: 'test-echo', inputs: [{ smiles: 'C1CC(' }] });
    expect(job.status).toBe('failed');
    await until(() => receiver.on('/refused').length > 0, 'the failed event arrived');
    expect(receiver.on('/refused').map((r) => r.json)).toEqual([expect.objectContaining({ event: 'failed', jobId: job.id, job: { status: 'failed', itemsTotal: 1, itemsDone: 0, itemsFailed: 1 } })]);
  });

  it("answers NOT_FOUND to another user for the owner's webhooks, deliveries, jobs and tokens", async () => {
    const [d] = await deliveries(owner, { webhookId: early.webhookId });
    const token = await createApiToken(gw.deps, owner, { name: 'mine' });
    expect(await caller(stranger).webhooks.list()).toEqual([]);
    const s = caller(stranger).webhooks;
    for (const call of [
      () => s.replay({ deliveryId: d.id }),
      () => s.deliveries({ webhookId: early.webhookId }),
      () => s.deliveries({ jobId: early.jobId }),
      () => s.delete({ id: early.webhookId }),
      () => s.create({ url: `${base}/x`, jobId: early.jobId }),
      () => s.create({ url: `${base}/x`, tokenId: token.id }),
    ]) {
      expect((await trpcError(call())).code).toBe('NOT_FOUND');
    }
    expect((await deliveries(owner, { webhookId: early.webhookId })).length).toBeGreaterThan(0);
  });

  it('refuses a URL outside the outbound allow-list, or both or neither of jobId and tokenId, as a typed 400', async () => {
    const outside = await trpcError(caller(owner).webhooks.create({ url: 'http://example.com/hook', jobId: early.jobId }));
    expect(outside.code).toBe('BAD_REQUEST');
    expect((outside.cause as { code?: string }).code).toBe('INVALID_INPUT');
    expect(outside.message).toMatch(/^url: the host example\.com is not in GATEWAY_OUTBOUND_HOSTS/);
    const scheme = await trpcError(caller(owner).webhooks.create({ url: 'file:///etc/passwd', jobId: early.jobId }));
    expect(scheme.message).toMatch(/^url: only http:\/\/ and https:\/\//);
    const neither = await trpcError(caller(owner).webhooks.create({ url: `${base}/x` }));
    expect((neither.cause as { code?: string }).code).toBe('INVALID_INPUT');
    expect(neither.message).toMatch(/exactly one of jobId .* or tokenId/);
  });

  it('never writes the secret to the audit log', async () => {
    const hook = await caller(owner).webhooks.create({ url: `${base}/audited`, jobId: early.jobId });
    const rows = await gw.db.selectFrom('audit_log').selectAll().where('action', '=', 'webhook.create').execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(hook.secret);
    const stored = await gw.db.selectFrom('webhooks').select('secret').where('id', '=', hook.id).executeTakeFirstOrThrow();
    expect(stored.secret).not.toContain(hook.secret);
  });
});
