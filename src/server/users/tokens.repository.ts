import { sql } from 'kysely';
import type { DbOrTx } from '../db/client';
import type { TokenScope } from '../db/types';
import { teamIdsOf } from './users.repository';

export async function insertToken(
  db: DbOrTx,
  t: { userId: string; name: string; hash: string; prefix: string; scopes: TokenScope[]; expiresAt: Date | null },
) {
  return db
    .insertInto('api_tokens')
    .values({ user_id: t.userId, name: t.name, token_hash: t.hash, token_prefix: t.prefix, scopes: t.scopes, expires_at: t.expiresAt })
    .returning(['id', 'name', 'token_prefix', 'created_at', 'scopes', 'expires_at'])
    .executeTakeFirstOrThrow();
}

export interface TokenRow {
  id: string;
  name: string;
  token_prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  scopes: TokenScope[];
  user_id: string;
  email: string;
}

/** Tokens, newest first: one user's (`userId`), or everyone's for an admin; revoked ones only when asked. */
export async function listTokens(db: DbOrTx, q: { userId?: string; includeRevoked?: boolean; limit?: number }): Promise<TokenRow[]> {
  let query = db
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select(['t.id', 't.name', 't.token_prefix', 't.created_at', 't.last_used_at', 't.expires_at', 't.revoked_at', 't.scopes', 't.user_id', 'u.email']);
  if (q.userId) query = query.where('t.user_id', '=', q.userId);
  if (!q.includeRevoked) query = query.where('t.revoked_at', 'is', null);
  return query.orderBy('t.created_at', 'desc').limit(q.limit ?? 500).execute();
}

/** Revokes a token (one of `userId`'s unless omitted, which only admins' services do); false when there was none active. */
export async function revokeToken(db: DbOrTx, id: string, userId?: string) {
  let q = db.updateTable('api_tokens').set({ revoked_at: new Date() }).where('id', '=', id).where('revoked_at', 'is', null);
  if (userId) q = q.where('user_id', '=', userId);
  const row = await q.returning('id').executeTakeFirst();
  return !!row;
}

/** The active account an unexpired, unrevoked token belongs to, with the token's scopes. */
export async function findAccountByTokenHash(db: DbOrTx, hash: string) {
  return db
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select(['u.id', 'u.email', 'u.role', teamIdsOf.as('team_ids'), 't.id as token_id', 't.last_used_at', 't.expires_at', 't.scopes'])
    .where('t.token_hash', '=', hash)
    .where('t.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', sql<Date>`now()`)]))
    .where('u.disabled_at', 'is', null)
    .executeTakeFirst();
}

/** At most one write a minute per token: concurrent requests must not queue on its row lock. */
export async function touchToken(db: DbOrTx, tokenId: string) {
  await db
    .updateTable('api_tokens')
    .set({ last_used_at: new Date() })
    .where('id', '=', tokenId)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`)]))
    .execute();
}
