import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createUser, startTestGateway, type TestGateway } from '../../../test/support';
import { runInAuditScope } from '../audit/audit-scope';
import { verifyAuditChain } from '../audit/verify-chain';
import * as jobs from '../jobs/jobs.service';
import type { Viewer } from '../users/viewer';
import { groupCommitStats } from './group-commit';

let gw: TestGateway;
let alice: Viewer;

beforeAll(async () => {
  gw = await startTestGateway({ worker: false });
  alice = await createUser(gw.db, 'alice');
});

afterAll(async () => gw?.stop());

const submit = (i: number, o: { key?: string; smiles?: string } = {}) =>
  runInAuditScope({ channel: 'api', requestId: `req-${i}`, procedure: 'jobs.create', written: [] }, () =>
    jobs.submitJob(gw.deps, alice, { model: 'rdkit-descriptors', inputs: [{ smiles: o.smiles ?? 'C'.repeat((i % 20) + 1) }], label: 'grouped', idempotencyKey: o.key }),
  );

describe('group commit of concurrent submissions', () => {
  it('commits concurrent one-molecule submissions in shared transactions, each with its own job, tasks, queue entry and audit entry', async () => {
    const before = { ...groupCommitStats };
    const made = await Promise.all(Array.from({ length: 40 }, (_, i) => submit(i)));
    expect(new Set(made.map((j) => j.id)).size).toBe(40);
    expect(groupCommitStats.groups - before.groups).toBeLessThan(40);
    expect(groupCommitStats.units - before.units).toBe(40);
    const queued = await sql<{ n: number }>`select count(*)::int as n from pgboss.job where name = 'task.run' and data->>'jobId' = any(${made.map((j) => j.id)}::text[])`.execute(gw.db);
    expect(queued.rows[0].n).toBe(40);
    // Each entry names its own request (the unit ran in its caller's audit scope), and the chain holds.
    const entries = await gw.db.selectFrom('audit_log').select(['entity_id', 'request_id']).where('action', '=', 'job.create').where('entity_id', 'in', made.map((j) => j.id)).execute();
    expect(entries).toHaveLength(40);
    const byJob = new Map(entries.map((e) => [e.entity_id, e.request_id]));
    made.forEach((j, i) => expect(byJob.get(j.id)).toBe(`req-${i}`));
    expect((await verifyAuditChain(gw.db)).ok).toBe(true);
  });

  it('fails one unit alone (an idempotency key reused for another request): the others of its group commit', async () => {
    const mixed = await Promise.allSettled([submit(100), submit(101, { smiles: 'CCO', key: 'k-1' }), submit(102), submit(103, { smiles: 'CCN', key: 'k-1' }), submit(104)]);
    // Whichever of the two requests under one key came second is refused; everything else stands.
    expect(mixed.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect([mixed[0], mixed[2], mixed[4]].every((r) => r.status === 'fulfilled')).toBe(true);
    expect((mixed.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ code: 'CONFLICT' });
    const ids = mixed.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<{ id: string }>).value.id);
    const rows = await gw.db.selectFrom('jobs').select('id').where('id', 'in', ids).execute();
    expect(rows).toHaveLength(4);
  });

  it('answers a retry under the same key, arriving in the same group, with the first job', async () => {
    const [a, b] = await Promise.all([submit(200, { smiles: 'CCCl', key: 'same' }), submit(200, { smiles: 'CCCl', key: 'same' })]);
    expect(b.id).toBe(a.id);
  });

  it('runs one at a time as before with GATEWAY_GROUP_COMMIT=0', async () => {
    process.env.GATEWAY_GROUP_COMMIT = '0';
    try {
      const before = { ...groupCommitStats };
      await Promise.all(Array.from({ length: 5 }, (_, i) => submit(300 + i)));
      expect(groupCommitStats).toEqual(before);
    } finally {
      delete process.env.GATEWAY_GROUP_COMMIT;
    }
  });
});
