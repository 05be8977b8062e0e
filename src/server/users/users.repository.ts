import { sql } from 'kysely';
import type { DbOrTx } from '../db/client';

export async function findUserByEmail(db: DbOrTx, email: string) {
  return db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
}

export async function findUserById(db: DbOrTx, id: string) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The first account becomes admin; the check and the insert share one statement. */
export async function insertUser(db: DbOrTx, u: { email: string; name: string | null; passwordHash: string | null }) {
  return db
    .insertInto('users')
    .values((eb) => ({
      email: u.email.toLowerCase(),
      name: u.name,
      password_hash: u.passwordHash,
      role: eb
        .case()
        .when(eb.exists(eb.selectFrom('users').select('id')))
        .then('user')
        .else('admin')
        .end() as never,
    }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertToken(db: DbOrTx, t: { userId: string; name: string; hash: string; prefix: string }) {
  return db
    .insertInto('api_tokens')
    .values({ user_id: t.userId, name: t.name, token_hash: t.hash, token_prefix: t.prefix })
    .returning(['id', 'name', 'token_prefix', 'created_at'])
    .executeTakeFirstOrThrow();
}

export async function listTokens(db: DbOrTx, userId: string) {
  return db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'token_prefix', 'created_at', 'last_used_at'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .orderBy('created_at', 'desc')
    .execute();
}

export async function revokeToken(db: DbOrTx, userId: string, id: string) {
  const row = await db
    .updateTable('api_tokens')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return !!row;
}

export async function findUserByTokenHash(db: DbOrTx, hash: string) {
  return db
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select(['u.id', 'u.email', 'u.role', 't.id as token_id', 't.last_used_at'])
    .where('t.token_hash', '=', hash)
    .where('t.revoked_at', 'is', null)
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
