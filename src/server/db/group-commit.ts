import { AsyncResource } from 'node:async_hooks';
import { sql } from 'kysely';
import type { Db } from './client';
import type { DB } from './types';
import type { Transaction } from 'kysely';

/**
 * Group commit: small transactions that arrive together share one database transaction, so they
 * share its commit (one WAL flush) and its serialising locks (the audit chain's head, a user's
 * quota counters), which otherwise let only one such transaction commit at a time.
 *
 * Each unit runs in its own savepoint, in arrival order: a unit that throws is rolled back alone
 * and its caller gets its error, the others are unaffected; a deadlock against another
 * transaction retries the unit. Every caller is answered only after the shared commit, and if
 * that commit fails, every unit of it fails with it (none of them happened). A unit runs in its
 * caller's async context (its request's audit scope). At most one group per database is in flight;
 * what arrives meanwhile forms the next one, so an idle gateway adds no wait at all.
 */
type Work<T> = (tx: Transaction<DB>) => Promise<T>;

interface Unit {
  work: Work<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * Units per group: below PostgreSQL's 64 cached subtransactions a backend keeps, past which every
 * snapshot in the database gets slower.
 */
const MAX_UNITS = 50;
const DEADLOCK_RETRIES = 3;

class GroupCommitter {
  private waiting: Unit[] = [];
  private running = false;

  constructor(private readonly db: Db) {}

  run<T>(work: Work<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ work: AsyncResource.bind(work) as Work<unknown>, resolve: resolve as (v: unknown) => void, reject });
      if (this.running) return;
      this.running = true;
      // The same tick's arrivals join the first group.
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length) await this.commit(this.waiting.splice(0, MAX_UNITS));
    this.running = false;
  }

  private async commit(group: Unit[]): Promise<void> {
    groupCommitStats.groups++;
    groupCommitStats.units += group.length;
    if (group.length === 1) {
      const [u] = group;
      await this.db.transaction().execute(u.work).then(u.resolve, u.reject);
      return;
    }
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      await this.db.transaction().execute(async (tx) => {
        for (let i = 0; i < group.length; i++) outcomes.push(await runUnit(tx, group[i], `g${i}`));
      });
    } catch (e) {
      for (const u of group) u.reject(e);
      return;
    }
    group.forEach((u, i) => {
      const o = outcomes[i];
      if (o.ok) u.resolve(o.value);
      else u.reject(o.error);
    });
  }
}

async function runUnit(tx: Transaction<DB>, u: Unit, name: string) {
  const sp = sql.raw(name);
  for (let attempt = 1; ; attempt++) {
    await sql`savepoint ${sp}`.execute(tx);
    try {
      const value = await u.work(tx);
      await sql`release savepoint ${sp}`.execute(tx);
      return { ok: true as const, value };
    } catch (error) {
      await sql`rollback to savepoint ${sp}`.execute(tx);
      if (attempt < DEADLOCK_RETRIES && (error as { code?: string }).code === '40P01') continue;
      return { ok: false as const, error };
    }
  }
}

const committers = new WeakMap<Db, GroupCommitter>();

/** Shared transactions committed and the units they held, in this process (for tests and the bench). */
export const groupCommitStats = { groups: 0, units: 0 };

/** Whether group commit is on (GATEWAY_GROUP_COMMIT, default on; 0 turns it off). */
export function groupCommitEnabled(): boolean {
  return process.env.GATEWAY_GROUP_COMMIT !== '0';
}

/**
 * Runs `work` as a transaction of its own, or, when `shareable` and group commit is on, as one
 * unit of a shared transaction (see above). Only short units should share: a long one holds up
 * every other in its group.
 */
export function transactionMaybeGrouped<T>(db: Db, work: Work<T>, shareable: boolean): Promise<T> {
  if (!shareable || !groupCommitEnabled() || db.isTransaction) return db.transaction().execute(work);
  let c = committers.get(db);
  if (!c) committers.set(db, (c = new GroupCommitter(db)));
  return c.run(work);
}
