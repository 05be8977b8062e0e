import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeam, createUser, registerFixtureModel, startTestGateway, until, waitForJob, type TestGateway } from '../../../test/support';
import { createCaller } from '../api/root';
import * as jobs from '../jobs/jobs.service';
import type { Viewer } from '../users/viewer';
import { sql } from 'kysely';
import { countSubmission, readUsage } from '../cost/usage.repository';
import { insertResults } from '../jobs/jobs.repository';
import { createDb } from '../db/client';
import { activeJobs, foldActiveCounters } from './quotas.repository';
import { getMyQuota, setQuota } from './quotas.service';

let gw: TestGateway;
let admin: Viewer;

beforeAll(async () => {
  // A real worker: measured model time is what the GPU-second quota is charged from.
  gw = await startTestGateway({ worker: { poolSize: 1 } });
  admin = await createUser(gw.db, 'admin');
  await registerFixtureModel(gw.db, 'echo');
  // The slow fixture takes 60 s on an item containing "N", far past this timeout: the job stays running for a while.
  await registerFixtureModel(gw.db, 'slow', { timeoutMs: 4000 });
  await registerFixtureModel(gw.db, 'echo', { slug: 'test-echo-gpu', name: 'Echo on a GPU', resources: { gpu: { count: 1, type: 'test' } } });
}, 240_000);
afterAll(async () => gw?.stop());

const NO_LIMITS = { concurrentJobs: null, itemsPerDay: null, cpuSecondsPerMonth: null, gpuSecondsPerMonth: null };

/** Every row a submission could leave: jobs, tasks, results and queued task messages. */
async function rowsOf(viewer: Viewer) {
  const jobRows = await gw.db.selectFrom('jobs').select('id').where('owner_id', '=', viewer.id).execute();
  const ids = jobRows.map((j) => j.id);
  const tasks = ids.length ? (await gw.db.selectFrom('tasks').select('id').where('job_id', 'in', ids).execute()).length : 0;
  const results = ids.length ? (await gw.db.selectFrom('results').select('item_index').where('job_id', 'in', ids).execute()).length : 0;
  return { jobs: ids.length, tasks, results };
}

const repoActive = (s: { type: 'user' | 'team'; id: string }) => activeJobs(gw.db, s);

const refusal = (e: unknown) => e as { code: string; appCode?: string; message: string; details?: Record<string, unknown> };

describe('quotas, through the real worker', () => {
  it('concurrent jobs: of simultaneous submissions over the limit exactly as many as allowed are admitted, the rest leave no row', async () => {
    const user = await createUser(gw.db, 'concurrent');
    await setQuota(gw.deps, admin, { subject: { type: 'user', id: user.id }, limits: { ...NO_LIMITS, concurrentJobs: 1 } });
    const submit = () => jobs.submitJob(gw.deps, user, { model: 'test-slow', inputs: [{ smiles: 'CCN' }] });
    const settled = await Promise.allSettled([submit(), submit(), submit(), submit()]);
    const admitted = settled.filter((s) => s.status === 'fulfilled');
    const refused = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    expect(admitted).toHaveLength(1);
    expect(refused).toHaveLength(3);
    for (const r of refused) {
      expect(r.reason).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { quota: 'concurrentJobs', limit: 1, used: 1 } });
      expect(r.reason.message).toMatch(/1 job is queued or running, and the limit is 1 at once/);
    }
    expect(await rowsOf(user)).toMatchObject({ jobs: 1, tasks: 1 });

    // Once it ends, the next is admitted.
    const first = (admitted[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof submit>>>).value;
    await waitForJob(gw.deps, user, first.id, 120_000);
    const next = await jobs.submitJob(gw.deps, user, { model: 'test-echo', inputs: [{ smiles: 'CCO' }] });
    expect(next.status).toBe('queued');
  }, 240_000);

  it('items per day: a job that would pass the limit is refused whole, through the tRPC procedure too, and names the usage and the reset', async () => {
    const user = await createUser(gw.db, 'items');
    await createCaller({ ...gw.deps, viewer: admin }).quotas.set({ subject: { type: 'user', id: user.id }, limits: { ...NO_LIMITS, itemsPerDay: 5 } });
    const first = await jobs.submitJob(gw.deps, user, { model: 'test-echo', inputs: ['CCO', 'CCC', 'CCCC'].map((smiles) => ({ smiles })) });
    await waitForJob(gw.deps, user, first.id);
    const before = await rowsOf(user);

    const caller = createCaller({ ...gw.deps, viewer: user, channel: 'api' });
    const e = refusal(await caller.jobs.create({ model: 'test-echo', inputs: ['CO', 'CN', 'CS'].map((smiles) => ({ smiles })) }).catch((x) => x));
    expect(e.code).toBe('TOO_MANY_REQUESTS');
    expect(e.message).toMatch(/quota exceeded for you .*: 3 of 5 items per day are used today, and this job has 3; the count resets at \d{4}-\d\d-\d\dT00:00:00\.000Z/);
    expect(await rowsOf(user)).toEqual(before);
    // A one-item prediction is a job too.
    await expect(caller.models.predict({ model: 'test-echo', input: { smiles: 'CO' } }).then(() => 'admitted')).resolves.toBe('admitted');
    await expect(caller.models.predict({ model: 'test-echo', input: { smiles: 'CO' } }).then(() => 'admitted')).resolves.toBe('admitted');
    const sixth = refusal(await caller.models.predict({ model: 'test-echo', input: { smiles: 'CO' } }).catch((x) => x));
    expect(sixth.message).toMatch(/5 of 5 items per day are used today/);
    expect((await rowsOf(user)).jobs).toBe(before.jobs + 2);
    // The refusals are in the audit log, with the limit named.
    const entry = await gw.db.selectFrom('audit_log').selectAll().where('actor_id', '=', user.id).where('outcome', '=', 'error').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ error_code: 'QUOTA_EXCEEDED', channel: 'api' });
  }, 240_000);

  it('GPU-seconds per month: each result records its measured time, the job its GPU-seconds and cost; past the limit a job is refused', async () => {
    const team = await createTeam(gw.db, 'gpu-team');
    const user = await createUser(gw.db, 'gpu', { teamIds: [team] });
    // Molecules test-echo (the same content, so the same cache) has not run: a cached answer takes no time.
    const job = await jobs.submitJob(gw.deps, user, { model: 'test-echo-gpu', inputs: ['OCCO', 'c1ccccc1'].map((smiles) => ({ smiles })) });
    const done = await waitForJob(gw.deps, user, job.id);
    expect(done.status).toBe('succeeded');
    const results = await gw.db.selectFrom('results').select(['model_ms', 'cpu_seconds', 'gpu_seconds']).where('job_id', '=', job.id).execute();
    expect(results).toHaveLength(2);
    for (const r of results) {
      expect(r.model_ms).toBeGreaterThan(0);
      expect(r.gpu_seconds).toBeCloseTo(r.model_ms! / 1000, 9);
    }
    const measured = results.reduce((s, r) => s + r.gpu_seconds!, 0);
    const charged = (await jobs.getJob(gw.deps, user, { jobId: job.id })).cost;
    expect(charged.gpuSeconds).toBeCloseTo(measured, 9);
    expect(done.teamId).toBe(team);
    // The default prices (docs/accounting.md): 0.00001 per CPU-second, 0.0005 per GPU-second.
    expect(charged.amount).toBeCloseTo(charged.cpuSeconds * 0.00001 + charged.gpuSeconds * 0.0005, 6);
    const teamMonth = await gw.db.selectFrom('usage_time').select('gpu_seconds').where('subject_type', '=', 'team').where('subject_id', '=', team).where('period', '=', 'month').executeTakeFirstOrThrow();
    expect(teamMonth.gpu_seconds).toBeCloseTo(measured, 9);

    // The limit is now used up on the team: the member's next job is refused, and leaves nothing.
    await setQuota(gw.deps, admin, { subject: { type: 'team', id: team }, limits: { ...NO_LIMITS, gpuSecondsPerMonth: measured } });
    const before = await rowsOf(user);
    const e = refusal(await jobs.submitJob(gw.deps, user, { model: 'test-echo-gpu', inputs: [{ smiles: 'CCN' }] }).catch((x) => x));
    expect(e).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { quota: 'gpuSecondsPerMonth', subject: { type: 'team', id: team } } });
    expect(e.message).toMatch(/GPU-seconds this month are used.*the count resets at \d{4}-\d\d-01T00:00:00\.000Z/);
    expect(await rowsOf(user)).toEqual(before);
    // A CPU-only model is not held by the GPU limit.
    const cpu = await jobs.submitJob(gw.deps, user, { model: 'test-echo', inputs: [{ smiles: 'CCN' }] });
    await until(async () => (await jobs.getJob(gw.deps, user, { jobId: cpu.id })).status === 'succeeded', 'the CPU job succeeds', 120_000);
  }, 240_000);

  it("the default's limits hold a user without limits of their own, never one with their own row, nor a team", async () => {
    const plain = await createUser(gw.db, 'default-limits');
    const team = await createTeam(gw.db, 'no-row');
    const own = await createUser(gw.db, 'own-limits', { teamIds: [team] });
    await setQuota(gw.deps, admin, { subject: { type: 'user', id: own.id }, limits: NO_LIMITS });
    await setQuota(gw.deps, admin, { subject: 'default', limits: { ...NO_LIMITS, itemsPerDay: 1 } });
    try {
      const two = { model: 'test-echo', inputs: [{ smiles: 'CC' }, { smiles: 'CCC' }] };
      const e = refusal(await jobs.submitJob(gw.deps, plain, two).catch((x) => x));
      expect(e).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { quota: 'itemsPerDay', subject: { type: 'user', id: plain.id }, limit: 1 } });
      const admitted = await jobs.submitJob(gw.deps, own, two);
      expect(admitted.teamId).toBe(team);
    } finally {
      await setQuota(gw.deps, admin, { subject: 'default', limits: NO_LIMITS });
    }
  });

  it('estimates from the measured time per item, with the basis, before submitting', async () => {
    const user = await createUser(gw.db, 'estimate');
    const est = await createCaller({ ...gw.deps, viewer: user }).jobs.estimate({ model: 'test-echo-gpu', items: 10 });
    expect(est.cost.sample).toBeGreaterThan(0);
    const part = est.cost.parts[0];
    expect(part).toMatchObject({ model: 'test-echo-gpu@1', cpu: 1, gpu: 1 });
    expect(est.cost.gpuSeconds).toBeCloseTo((10 * part.msPerItem!) / 1000, 9);
    expect(est.cost.cost).toBeCloseTo(est.cost.cpuSeconds! * 0.00001 + est.cost.gpuSeconds! * 0.0005, 9);
    expect(est.cost.basis).toMatch(/^10 items × test-echo-gpu@1: .* ms per item \(mean of \d+ past results?\) × 1 CPU \+ 1 GPU; at 0.00001 USD\/CPU-second and 0.0005 USD\/GPU-second$/);
  });

  it("the worker's charge does not wait for a submission that holds its subject's item counters", async () => {
    const user = await createUser(gw.db, 'charge-apart');
    const job = await jobs.submitJob(gw.deps, user, { model: 'test-echo', inputs: [{ smiles: 'CCO' }] });
    await waitForJob(gw.deps, user, job.id);
    const subject = { type: 'user' as const, id: user.id };
    const before = await readUsage(gw.db, subject);

    // A submission's transaction counts its items and stays open (as a group-committed batch does).
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let counted!: () => void;
    const isCounted = new Promise<void>((r) => (counted = r));
    const submission = gw.db.transaction().execute(async (tx) => {
      await countSubmission(tx, subject, 3);
      counted();
      await held;
    });
    await isCounted;
    try {
      // The charge of a finished task, for the same user, meanwhile: it must not queue behind the
      // submission's row locks (lock_timeout turns a wait into an error instead of a hang).
      await gw.db.transaction().execute(async (tx) => {
        await sql`set local lock_timeout = '10s'`.execute(tx);
        // A result row measured at 2 CPU-seconds, written and charged as the worker records it.
        const row = { job_id: job.id, item_index: 1, status: 'succeeded' as const, input: JSON.stringify({ smiles: 'CC' }), output: JSON.stringify({}), cpu_seconds: 2, gpu_seconds: 0, model_ms: 2000 };
        const written = await insertResults(tx, [row], { charge: { jobId: job.id, cpuSecond: 0.00001, gpuSecond: 0.0005 } });
        expect(written).toHaveLength(1);
      });
    } finally {
      release();
      await submission;
    }
    const after = await readUsage(gw.db, subject);
    expect(after.day.items - before.day.items).toBe(3);
    expect(after.month.cpuSeconds - before.month.cpuSeconds).toBeCloseTo(2, 9);
    expect(after.day.cpuSeconds - before.day.cpuSeconds).toBeCloseTo(2, 9);
    expect(after.month.cost - before.month.cost).toBeCloseTo(0.00002, 9);
    // The user's own view reads both: items from the counters, time from the measured rows.
    const mine = await getMyQuota(gw.deps, user);
    expect(mine.month).toMatchObject({ items: after.month.items, cpuSeconds: after.month.cpuSeconds });
  });

  it("active-job counters: kept by the database in one snapshot with the jobs, through submissions, runs, cancels and ends; a gone connection's rows folded", async () => {
    const team = await createTeam(gw.db, 'counted');
    const user = await createUser(gw.db, 'counted', { teamIds: [team] });
    /** The counters' sums and the same computed from the jobs, read by one statement (one snapshot). */
    const compare = async (s: { type: 'user' | 'team'; id: string }) => {
      const column = sql.raw(s.type === 'user' ? 'owner_id' : 'team_id');
      const { rows } = await sql<{ n: number; cpu: number; gpu: number; dn: number; dcpu: number; dgpu: number }>`
        select (select coalesce(sum(jobs), 0)::int from active_counters where subject_type = ${s.type} and subject_id = ${s.id}) as n,
          (select coalesce(sum(cpu_seconds), 0)::float8 from active_counters where subject_type = ${s.type} and subject_id = ${s.id}) as cpu,
          (select coalesce(sum(gpu_seconds), 0)::float8 from active_counters where subject_type = ${s.type} and subject_id = ${s.id}) as gpu,
          count(*)::int as dn,
          coalesce(sum(greatest(coalesce(estimated_cpu_seconds, 0) - cpu_seconds, 0)), 0)::float8 as dcpu,
          coalesce(sum(greatest(coalesce(estimated_gpu_seconds, 0) - gpu_seconds, 0)), 0)::float8 as dgpu
        from jobs where ${column} = ${s.id} and status in ('queued', 'running') and parent_job_id is null`.execute(gw.db);
      const r = rows[0];
      expect(r.n).toBe(r.dn);
      expect(r.cpu).toBeCloseTo(r.dcpu, 9);
      expect(r.gpu).toBeCloseTo(r.dgpu, 9);
      return r;
    };
    const subjects = [{ type: 'user' as const, id: user.id }, { type: 'team' as const, id: team }];
    const submitted = await Promise.all([
      jobs.submitJob(gw.deps, user, { model: 'test-slow', inputs: [{ smiles: 'CCN' }] }),
      jobs.submitJob(gw.deps, user, { model: 'test-slow', inputs: [{ smiles: 'CCCN' }, { smiles: 'CC' }] }),
      jobs.submitJob(gw.deps, user, { model: 'test-echo-gpu', inputs: ['CO', 'CCO', 'CCCO'].map((smiles) => ({ smiles })) }),
      jobs.submitJob(gw.deps, user, { model: 'test-echo', inputs: [{ smiles: 'OCCO' }] }),
    ]);
    expect((await compare(subjects[0])).n).toBeGreaterThan(0);
    await compare(subjects[1]);
    await jobs.cancelJob(gw.deps, user, { jobId: submitted[0].id });
    for (const s of subjects) await compare(s);
    // While the rest run and end, every look agrees with the jobs.
    await until(async () => {
      for (const s of subjects) await compare(s);
      const left = await gw.db.selectFrom('jobs').select('id').where('owner_id', '=', user.id).where('status', 'in', ['queued', 'running']).execute();
      return left.length === 0;
    }, 'every job of the user ends', 120_000);
    // All ended: nothing is held, exactly (the adds and removes of each job cancel).
    for (const s of subjects) expect(await repoActive(s)).toEqual({ count: 0, outstandingCpuSeconds: 0, outstandingGpuSeconds: 0 });

    // A job submitted over a connection that then closes: its row is folded into shard 0, the sums kept.
    const other = createDb(gw.t.url, 1);
    const job = await jobs.submitJob({ ...gw.deps, db: other.db }, user, { model: 'test-slow', inputs: [{ smiles: 'CCCCN' }] });
    const { rows: pids } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(other.db);
    await other.db.destroy();
    await other.pool.end().catch(() => {});
    const shardOf = async () => (await gw.db.selectFrom('active_counters').select('shard').where('subject_id', '=', user.id).where('shard', '=', pids[0].pid).execute()).length;
    await until(async () => {
      await foldActiveCounters(gw.db);
      return (await shardOf()) === 0;
    }, "the closed connection's counter row is folded", 30_000);
    await compare(subjects[0]);
    await jobs.cancelJob(gw.deps, user, { jobId: job.id });
    for (const s of subjects) await compare(s);
  }, 240_000);
});
