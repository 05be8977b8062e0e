import { sql } from 'kysely';
import type { DbOrTx } from '../db/client';
import { teamIdsOf } from './users.repository';

export async function insertSession(db: DbOrTx, s: { userId: string; expiresAt: Date; ip: string | null; userAgent: string | null }) {
  return db
    .insertInto('sessions')
    .values({ user_id: s.userId, expires_at: s.expiresAt, ip: s.ip, user_agent: s.userAgent })
    .returning(['id', 'expires_at'])
    .executeTakeFirstOrThrow();
}

/** The active account a live session belongs to (not revoked, not expired, account not disabled). */
export async function findAccountBySession(db: DbOrTx, sessionId: string) {
  return db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['u.id', 'u.email', 'u.role', teamIdsOf.as('team_ids'), 's.id as session_id', 's.last_seen_at'])
    .where('s.id', '=', sessionId)
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', sql<Date>`now()`)
    .where('u.disabled_at', 'is', null)
    .executeTakeFirst();
}

/** At most one write a minute per session. */
export async function touchSession(db: DbOrTx, sessionId: string) {
  await db
    .updateTable('sessions')
    .set({ last_seen_at: new Date() })
    .where('id', '=', sessionId)
    .where('last_seen_at', '<', sql<Date>`now() - interval '1 minute'`)
    .execute();
}

export async function revokeSession(db: DbOrTx, sessionId: string): Promise<boolean> {
  const row = await db.updateTable('sessions').set({ revoked_at: new Date() }).where('id', '=', sessionId).where('revoked_at', 'is', null).returning('id').executeTakeFirst();
  return !!row;
}

/** Ends every live session of a user; returns how many. */
export async function revokeSessionsOf(db: DbOrTx, userId: string): Promise<number> {
  const rows = await db.updateTable('sessions').set({ revoked_at: new Date() }).where('user_id', '=', userId).where('revoked_at', 'is', null).returning('id').execute();
  return rows.length;
}

export async function listSessionsOf(db: DbOrTx, userId: string) {
  return db
    .selectFrom('sessions')
    .select(['id', 'created_at', 'last_seen_at', 'expires_at', 'revoked_at', 'ip', 'user_agent'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .limit(50)
    .execute();
}
