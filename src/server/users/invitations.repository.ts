import { sql } from 'kysely';
import type { DbOrTx } from '../db/client';
import type { Role } from '../db/types';

export async function insertInvitation(
  db: DbOrTx,
  i: { email: string; role: Role; teamIds: string[]; hash: string; invitedBy: string; expiresAt: Date },
) {
  return db
    .insertInto('invitations')
    .values({ email: i.email.toLowerCase(), role: i.role, team_ids: i.teamIds, token_hash: i.hash, invited_by: i.invitedBy, expires_at: i.expiresAt })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** An invitation that can still be accepted (not accepted, revoked or expired). */
export async function findOpenInvitationByHash(db: DbOrTx, hash: string) {
  return db
    .selectFrom('invitations')
    .selectAll()
    .where('token_hash', '=', hash)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

export async function findOpenInvitationByEmail(db: DbOrTx, email: string) {
  return db
    .selectFrom('invitations')
    .selectAll()
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
}

/** Marks an invitation accepted; false when someone else accepted (or it was revoked) first. */
export async function markAccepted(db: DbOrTx, id: string, userId: string): Promise<boolean> {
  const row = await db
    .updateTable('invitations')
    .set({ accepted_at: new Date(), accepted_user_id: userId })
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return !!row;
}

export async function revokeInvitation(db: DbOrTx, id: string): Promise<boolean> {
  const row = await db
    .updateTable('invitations')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return !!row;
}

export async function listInvitations(db: DbOrTx, limit = 200) {
  return db
    .selectFrom('invitations as i')
    .leftJoin('users as by', 'by.id', 'i.invited_by')
    .select(['i.id', 'i.email', 'i.role', 'i.team_ids', 'i.created_at', 'i.expires_at', 'i.accepted_at', 'i.revoked_at', 'by.email as invited_by_email'])
    .orderBy('i.created_at', 'desc')
    .limit(limit)
    .execute();
}
