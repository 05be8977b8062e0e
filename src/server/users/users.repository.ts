import { sql } from 'kysely';
import type { DbOrTx } from '../db/client';
import type { Role } from '../db/types';

export async function findUserByEmail(db: DbOrTx, email: string) {
  return db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
}

export async function findUserById(db: DbOrTx, id: string) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The team ids of a user, as one column of a query over `users as u`. */
export const teamIdsOf = sql<string[]>`array(select tm.team_id from team_members tm where tm.user_id = u.id order by tm.team_id)`;

/** What a viewer is made of: an active account and its teams; undefined when missing or disabled. */
export async function findActiveAccount(db: DbOrTx, id: string) {
  return db
    .selectFrom('users as u')
    .select(['u.id', 'u.email', 'u.role', teamIdsOf.as('team_ids')])
    .where('u.id', '=', id)
    .where('u.disabled_at', 'is', null)
    .executeTakeFirst();
}

export async function countUsers(db: DbOrTx): Promise<number> {
  const row = await db.selectFrom('users').select((e) => e.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Locks the organisation's settings row for the rest of the transaction. Every account creation
 * takes it first, so two first sign-ups cannot both see an empty table and both become admin.
 */
export async function lockOrganisation(db: DbOrTx) {
  return db.selectFrom('organisation_settings').selectAll().where('id', '=', true).forUpdate().executeTakeFirstOrThrow();
}

/**
 * Inserts an account; the first one becomes admin whatever `role` says. Call it inside a
 * transaction that holds `lockOrganisation`: the check and the insert then cannot race.
 */
export async function insertUser(db: DbOrTx, u: { email: string; name: string | null; passwordHash: string | null; role?: Role }) {
  return db
    .insertInto('users')
    .values((eb) => ({
      email: u.email.toLowerCase(),
      name: u.name,
      password_hash: u.passwordHash,
      role: eb
        .case()
        .when(eb.exists(eb.selectFrom('users').select('id')))
        .then(u.role ?? 'member')
        .else('admin')
        .end() as never,
    }))
    .onConflict((oc) => oc.column('email').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function updateUser(db: DbOrTx, id: string, patch: { role?: Role; disabled?: boolean; name?: string | null }) {
  return db
    .updateTable('users')
    .set({
      ...(patch.role ? { role: patch.role } : {}),
      ...(patch.disabled === undefined ? {} : { disabled_at: patch.disabled ? new Date() : null }),
      ...(patch.name === undefined ? {} : { name: patch.name }),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Active admins other than `exceptId`: an organisation keeps at least one. */
export async function countOtherActiveAdmins(db: DbOrTx, exceptId: string): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('role', '=', 'admin')
    .where('disabled_at', 'is', null)
    .where('id', '<>', exceptId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface UserListRow {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  createdAt: string;
  disabled: boolean;
  teamIds: string[];
  lastSeenAt: string | null;
  activeSessions: number;
  activeTokens: number;
}

export async function listUsers(db: DbOrTx, q: { search?: string; limit: number; offset: number }): Promise<{ items: UserListRow[]; total: number }> {
  const pattern = q.search ? `%${q.search.replace(/[%_\\]/g, (c) => `\\${c}`)}%` : null;
  const where = pattern ? sql<boolean>`(u.email ilike ${pattern} or coalesce(u.name, '') ilike ${pattern})` : sql<boolean>`true`;
  const [rows, total] = await Promise.all([
    db
      .selectFrom('users as u')
      .select([
        'u.id',
        'u.email',
        'u.name',
        'u.role',
        'u.created_at',
        'u.disabled_at',
        teamIdsOf.as('team_ids'),
        sql<Date | null>`(select max(s.last_seen_at) from sessions s where s.user_id = u.id)`.as('last_seen_at'),
        sql<number>`(select count(*)::int from sessions s where s.user_id = u.id and s.revoked_at is null and s.expires_at > now())`.as('active_sessions'),
        sql<number>`(select count(*)::int from api_tokens t where t.user_id = u.id and t.revoked_at is null and (t.expires_at is null or t.expires_at > now()))`.as('active_tokens'),
      ])
      .where(where)
      .orderBy('u.created_at')
      .limit(q.limit)
      .offset(q.offset)
      .execute(),
    db.selectFrom('users as u').select((e) => e.fn.countAll<number>().as('n')).where(where).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      id: r.id,
      email: r.email,
      name: r.name,
      role: r.role,
      createdAt: new Date(r.created_at).toISOString(),
      disabled: r.disabled_at !== null,
      teamIds: r.team_ids,
      lastSeenAt: r.last_seen_at ? new Date(r.last_seen_at).toISOString() : null,
      activeSessions: r.active_sessions,
      activeTokens: r.active_tokens,
    })),
    total: Number(total.n),
  };
}

/** Emails of users by id, for naming people in answers. */
export async function emailsOf(db: DbOrTx, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((i): i is string => !!i))];
  if (!wanted.length) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'email']).where('id', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.id, r.email]));
}
