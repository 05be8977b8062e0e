import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as jobs from '../jobs/jobs.service';
import { recordTaskOutcomes } from '../jobs/run-task.service';
import { publishTrustedManifest } from '../models/builtins.service';
import type { Viewer } from '../users/viewer';
import { createUser, startTestGateway, type TestGateway } from '../../../test/support';
import { issueTaskToken, postTaskResults, readTaskInputs, revokeTaskTokens, taskPrincipalFromToken } from './task-access.service';
import { handleTaskRequest } from './task-http';

let gw: TestGateway;
let viewer: Viewer;

beforeAll(async () => {
  gw = await startTestGateway({ worker: false });
  viewer = await createUser(gw.db);
  await publishTrustedManifest(
    { db: gw.db },
    {
      builtIn: false,
      codeDigest: 'k8s-token-test',
      manifest: {
        slug: 'k8s-token-test',
        name: 'token test',
        version: 1,
        task: 'test/echo',
        description: '',
        tags: [],
        runtime: { kind: 'kubernetes', image: 'registry.test/echo:1' },
        inputSchema: { type: 'object', properties: { smiles: { type: 'string' } }, required: ['smiles'] },
        outputSchema: { type: 'object', properties: { length: { type: 'integer' } }, required: ['length'] },
        resources: {},
        batchSize: 2,
        timeoutMs: 1000,
        requires: [],
      },
    },
  );
});

afterAll(async () => gw?.stop());

/** A submitted job (nobody runs it here) and its tasks of two items each. */
let made = 0;
/** A job of `n` molecules never submitted before (a repeated one would be answered from the result cache, with no task). */
async function jobWithTasks(n: number) {
  const job = await jobs.submitJob(gw.deps, viewer, { model: 'k8s-token-test', inputs: Array.from({ length: n }, () => ({ smiles: 'C'.repeat(++made) })) });
  const tasks = await gw.db.selectFrom('tasks').select(['id', 'items', 'attempts']).where('job_id', '=', job.id).orderBy('task_index').execute();
  return { job, tasks };
}

const call = (token: string | null, taskId: string, what: 'inputs' | 'results', body?: unknown) =>
  handleTaskRequest(
    async () => gw.deps,
    new Request(`http://gw/api/tasks/${taskId}/${what}`, {
      method: what === 'inputs' ? 'GET' : 'POST',
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
    taskId,
    what,
  );

describe('the task endpoint and its per-task tokens', () => {
  it('lets a task token read and post its own task only', async () => {
    const { tasks } = await jobWithTasks(4);
    const [a, b] = tasks;
    const token = await issueTaskToken(gw.deps, { taskId: a.id, ttlMs: 60_000 });
    const stored = await gw.db.selectFrom('task_tokens').selectAll().where('task_id', '=', a.id).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0].token_hash).not.toContain(token.slice(4)); // only the hash is kept

    const own = await call(token, a.id, 'inputs');
    expect(own.status).toBe(200);
    expect((await own.json()).items.map((i: { index: number }) => i.index)).toEqual([0, 1]);

    // Another task is invisible to it, to read and to write.
    const other = await call(token, b.id, 'inputs');
    expect(other.status).toBe(404);
    expect((await other.json()).error.code).toBe('NOT_FOUND');
    const write = await call(token, b.id, 'results', { results: [{ index: 2, output: { length: 3 } }] });
    expect(write.status).toBe(404);
    // An item of another task cannot be smuggled into its own task either.
    const smuggled = await call(token, a.id, 'results', { results: [{ index: 2, output: { length: 3 } }] });
    expect(smuggled.status).toBe(400);
    expect(await gw.db.selectFrom('results').selectAll().where('item_index', '=', 2).execute()).toHaveLength(0);

    // No token, a user's API token shape, a wrong one, an expired one, a revoked one: 401.
    expect((await call(null, a.id, 'inputs')).status).toBe(401);
    expect((await call('mgw_notatasktoken', a.id, 'inputs')).status).toBe(401);
    expect((await call(`${token}x`, a.id, 'inputs')).status).toBe(401);
    const expired = await issueTaskToken(gw.deps, { taskId: b.id, ttlMs: -1 });
    expect((await call(expired, b.id, 'inputs')).status).toBe(401);
    await revokeTaskTokens(gw.deps, a.id);
    expect((await call(token, a.id, 'inputs')).status).toBe(401);
    expect(await taskPrincipalFromToken(gw.deps, token)).toBeNull();
  });

  it('counts an item posted twice once, and the worker closing the task adds nothing more', async () => {
    const { job, tasks } = await jobWithTasks(2);
    const [task] = tasks;
    const token = await issueTaskToken(gw.deps, { taskId: task.id, ttlMs: 60_000 });
    const principal = (await taskPrincipalFromToken(gw.deps, token))!;
    await gw.db.updateTable('jobs').set({ status: 'running' }).where('id', '=', job.id).execute();

    const batch = { taskId: task.id, results: [{ index: 0, output: { length: 1 } }, { index: 1, error: 'no answer for this one' }] };
    expect(await postTaskResults(gw.deps, principal, batch)).toEqual({ received: 2, written: 2 });
    expect(await postTaskResults(gw.deps, principal, batch)).toEqual({ received: 2, written: 0 });
    const posted = await call(token, task.id, 'results', { results: batch.results });
    expect(await posted.json()).toEqual({ received: 2, written: 0 });
    let counted = await jobs.getJob(gw.deps, viewer, { jobId: job.id });
    expect(counted).toMatchObject({ status: 'succeeded', itemsDone: 1, itemsFailed: 1, tasksDone: 0 });
    // A re-run pod gets nothing more to do.
    expect((await readTaskInputs(gw.deps, principal, { taskId: task.id })).items).toEqual([]);

    // The executor's own final record (here: every item again, as a worst case) only closes the task.
    await recordTaskOutcomes(gw.deps, { id: task.id, jobId: job.id, attempt: 1 }, [
      { index: 0, output: { length: 1 } },
      { index: 1, code: 'MODEL_CRASHED', error: 'late' },
    ], { executor: 'kubernetes', versionDigest: 'x', items: new Map(task.items.map((i) => [i.index, i])) });
    counted = await jobs.getJob(gw.deps, viewer, { jobId: job.id });
    expect(counted).toMatchObject({ status: 'succeeded', itemsDone: 1, itemsFailed: 1, tasksDone: 1 });
    const rows = (await jobs.listResults(gw.deps, viewer, { jobId: job.id, limit: 10, offset: 0 })).items;
    expect(rows.map((r) => [r.index, r.status, r.errorCode])).toEqual([
      [0, 'succeeded', null],
      [1, 'failed', 'MODEL_ERROR'],
    ]);
    // A closed task takes no more posts.
    expect((await call(token, task.id, 'results', { results: batch.results })).status).toBe(409);
  });

  it('checks posted outputs against the output schema and refuses posts for a cancelled job', async () => {
    const { job, tasks } = await jobWithTasks(2);
    const token = await issueTaskToken(gw.deps, { taskId: tasks[0].id, ttlMs: 60_000 });
    const res = await call(token, tasks[0].id, 'results', { results: [{ index: 0, output: { length: 'three' } }] });
    expect(res.status).toBe(200);
    const [row] = (await jobs.listResults(gw.deps, viewer, { jobId: job.id, limit: 10, offset: 0 })).items;
    expect(row).toMatchObject({ status: 'failed', errorCode: 'MODEL_PROTOCOL' });
    expect((await call(token, tasks[0].id, 'results', { results: [{ index: 0 }] })).status).toBe(400);
    await jobs.cancelJob(gw.deps, viewer, { jobId: job.id });
    const cancelled = await call(token, tasks[0].id, 'inputs');
    expect(cancelled.status).toBe(499);
    expect((await cancelled.json()).error.code).toBe('CANCELLED');
  });
});
