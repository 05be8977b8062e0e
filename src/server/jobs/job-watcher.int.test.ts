import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/db';
import { until } from '../../../test/support';
import { JobWatcher } from './job-watcher';

let t: TestDatabase;
let watcher: JobWatcher;
const notify = (id: string) => sql`select pg_notify('job_finished', ${id})`.execute(t.db);

beforeAll(async () => {
  t = await createTestDatabase();
  watcher = new JobWatcher(t.url);
});

afterAll(async () => {
  await watcher?.close();
  await t?.drop();
});

describe('JobWatcher', () => {
  it('waits for the notification before the first look at a job created while it listened', async () => {
    const id = randomUUID();
    const listening = await watcher.listening();
    let looks = 0;
    let ended = false;
    const waiting = watcher.waitFor(id, async () => (looks++, ended), 10_000, { createdWhileListening: listening });
    await new Promise((r) => setTimeout(r, 50));
    expect(looks).toBe(0);
    ended = true;
    await notify(id);
    expect(await waiting).toBe(true);
    expect(looks).toBe(1);
  });

  it('still hears a job that ended before its caller started waiting, without waiting for the poll', async () => {
    const id = randomUUID();
    const listening = await watcher.listening();
    await notify(id);
    // The notification arrives while no one waits on the job: the watcher keeps it.
    await until(() => (watcher as unknown as { recent: Set<string> }).recent.has(id), 'the notification arrived');
    const started = Date.now();
    expect(await watcher.waitFor(id, async () => true, 10_000, { createdWhileListening: listening })).toBe(true);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('looks at once when the job was not created while this connection listened', async () => {
    let looks = 0;
    expect(await watcher.waitFor(randomUUID(), async () => (looks++, true), 10_000)).toBe(true);
    expect(looks).toBe(1);
  });
});
