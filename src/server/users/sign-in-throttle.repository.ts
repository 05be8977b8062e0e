import { sql } from 'kysely';
import type { DbOrTx } from '../db/client';

// Failed sign-ins per key (`email:<address>`, `ip:<address>`): counted in a window, locked past a limit.

/** The latest lock among `keys` still in force, or null. */
export async function lockedUntil(db: DbOrTx, keys: string[]): Promise<Date | null> {
  const row = await db
    .selectFrom('sign_in_throttle')
    .select((e) => e.fn.max('locked_until').as('until'))
    .where('key', 'in', keys)
    .where('locked_until', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return row?.until ? new Date(row.until) : null;
}

/** Counts a failure for `key`; locks it (and starts counting again) once `max` failures fall in one window. */
export async function recordFailure(db: DbOrTx, key: string, o: { max: number; windowMs: number; lockoutMs: number }): Promise<boolean> {
  const row = await sql<{ failures: number }>`
    insert into sign_in_throttle (key, failures, window_started_at) values (${key}, 1, now())
    on conflict (key) do update set
      failures = case when sign_in_throttle.window_started_at < now() - make_interval(secs => ${o.windowMs / 1000}) then 1 else sign_in_throttle.failures + 1 end,
      window_started_at = case when sign_in_throttle.window_started_at < now() - make_interval(secs => ${o.windowMs / 1000}) then now() else sign_in_throttle.window_started_at end
    returning failures`.execute(db);
  if ((row.rows[0]?.failures ?? 0) < o.max) return false;
  await sql`
    update sign_in_throttle set locked_until = now() + make_interval(secs => ${o.lockoutMs / 1000}), failures = 0, window_started_at = now()
    where key = ${key}`.execute(db);
  return true;
}

export async function clearKey(db: DbOrTx, key: string): Promise<void> {
  await db.deleteFrom('sign_in_throttle').where('key', '=', key).execute();
}

/** Forgets counts that no longer matter, so a flood of made-up emails cannot grow the table for ever. */
export async function pruneThrottle(db: DbOrTx): Promise<void> {
  await sql`delete from sign_in_throttle where window_started_at < now() - interval '1 day' and (locked_until is null or locked_until < now())`.execute(db);
}
