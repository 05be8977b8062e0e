/**
 * KEDA's PostgreSQL trigger (k8s/base/keda.yaml) runs its query against pg-boss's own tables.
 * Here it runs, as written in the manifest, against a real PostgreSQL holding pg-boss 12's
 * schema (the test template is migrated by pg-boss itself), after queueing real jobs.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadAllYaml } from '@kubernetes/client-node';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBoss } from '../src/server/queue/boss';
import { createTestDatabase, type TestDatabase } from '../test/db';
import type { PgBoss } from 'pg-boss';

let t: TestDatabase;
let boss: PgBoss;

const scaledObject = (loadAllYaml(readFileSync(path.join(import.meta.dirname, 'base', 'keda.yaml'), 'utf8')) as any[]).find((o) => o.kind === 'ScaledObject');
const query: string = scaledObject.spec.triggers[0].metadata.query;

const depth = async () => Number((await sql.raw<{ count: number }>(query).execute(t.db)).rows[0].count);
const payload = () => ({ taskId: randomUUID(), jobId: randomUUID() });

beforeAll(async () => {
  t = await createTestDatabase();
  boss = await createBoss({ connectionString: t.url, role: 'web' }).start();
});

afterAll(async () => {
  await boss?.stop({ graceful: false, close: true });
  await t?.drop();
});

describe("KEDA's PostgreSQL trigger query", () => {
  it('reads pg-boss 12 (pgboss.job, partitioned by queue name)', async () => {
    const kind = await sql<{ relkind: string }>`select relkind from pg_class where oid = 'pgboss.job'::regclass`.execute(t.db);
    expect(kind.rows[0].relkind).toBe('p'); // a partitioned table: the name filter lands on task.run's partition
    expect(await depth()).toBe(0);
  });

  it('returns the task.run depth: waiting, retrying and running tasks, nothing of other queues or finished ones', async () => {
    await boss.insert('task.run', Array.from({ length: 7 }, () => ({ data: payload() })));
    await boss.insert('consensus.aggregate', [{ data: { jobId: randomUUID() } }, { data: { jobId: randomUUID() } }]);
    expect(await depth()).toBe(7);

    const [first, second, third] = await boss.fetch('task.run', { batchSize: 3 });
    expect(await depth()).toBe(7); // 4 created + 3 active
    await boss.complete('task.run', first.id);
    expect(await depth()).toBe(6);
    await boss.fail('task.run', second.id, { error: 'worker trouble' }); // retried: state retry
    const states = await sql<{ state: string; n: number }>`select state, count(*)::int as n from pgboss.job where name = 'task.run' group by state order by state`.execute(t.db);
    expect(Object.fromEntries(states.rows.map((r) => [r.state, r.n]))).toEqual({ active: 1, completed: 1, created: 4, retry: 1 });
    expect(await depth()).toBe(6);
    await boss.complete('task.run', third.id);
    expect(await depth()).toBe(5);
  });
});
