import { sql } from 'kysely';
import type { DbOrTx } from '../db/client';

/**
 * The advisory lock a connection holds while it copies an upload's rows in (`pg_advisory_lock`
 * with these two keys): a crash of the web process drops the connection and so the lock, which
 * is how the sweep tells a file still arriving from one nobody will finish.
 */
export const UPLOAD_LOCK_CLASS = 0x75706c; // "upl"

/** How long an upload's rows are kept (GATEWAY_UPLOAD_RETENTION_HOURS, default 7 days). */
export function uploadRetentionHours(env: NodeJS.ProcessEnv = process.env): number {
  const hours = Number(env.GATEWAY_UPLOAD_RETENTION_HOURS ?? 168);
  return Number.isFinite(hours) && hours > 0 ? hours : 168;
}

/** An upload 'receiving' younger than this is left alone (its COPY may not have begun yet). */
const RECEIVING_GRACE_SECONDS = 60;

/**
 * Ends what a crash or time left behind, a few statements each minute from the worker:
 * - an upload still 'receiving' that no connection is copying in (the web process died while
 *   the file streamed) fails, saying to send it again; its COPY never committed, so it has no rows;
 * - rows of uploads older than the retention go: a file not submitted by then expires (failed,
 *   saying so), a submitted one keeps its record and its job keeps every result.
 */
export async function sweepUploads(db: DbOrTx, o: { retentionHours?: number; receivingGraceSeconds?: number } = {}): Promise<{ interrupted: number; expired: number; purged: number }> {
  const grace = o.receivingGraceSeconds ?? RECEIVING_GRACE_SECONDS;
  const hours = o.retentionHours ?? uploadRetentionHours();
  // The lock is tried for this transaction only: a file still arriving holds it, and is skipped.
  const interrupted = await db.transaction().execute(async (tx) => {
    const r = await sql`
      update uploads set status = 'failed',
             error = 'UNAVAILABLE: the server stopped while the file was arriving; send it again'
       where status = 'receiving' and created_at < now() - make_interval(secs => ${grace})
         and pg_try_advisory_xact_lock(${UPLOAD_LOCK_CLASS}::int, hashtext(id::text))
    `.execute(tx);
    return Number(r.numAffectedRows ?? 0);
  });
  const expired = await sql`
    update uploads set status = 'failed',
           error = ${`CONFLICT: not submitted within ${hours} hours of arriving, so its rows were removed; upload the file again`}
     where status = 'ready' and created_at < now() - make_interval(hours => ${hours})
  `.execute(db);
  const purged = await sql`
    delete from upload_rows where upload_id in (
      select id from uploads where status in ('used', 'failed') and created_at < now() - make_interval(hours => ${hours}))
  `.execute(db);
  return { interrupted, expired: Number(expired.numAffectedRows ?? 0), purged: Number(purged.numAffectedRows ?? 0) };
}
