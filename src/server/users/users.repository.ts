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
    .updateTable('api_tokens as t')
    .set({ last_used_at: new Date() })
    .from('users as u')
    .whereRef('u.id', '=', 't.user_id')
    .where('t.token_hash', '=', hash)
    .where('t.revoked_at', 'is', null)
    .returning(['u.id', 'u.email', 'u.role'])
    .executeTakeFirst();
}
