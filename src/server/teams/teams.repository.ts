import { sql } from 'kysely';
import type { DbOrTx } from '../db/client';

export interface Team {
  id: string;
  name: string;
  description: string;
  createdAt: string;
  memberCount: number;
}

const toTeam = (r: { id: string; name: string; description: string; created_at: Date; member_count: number }): Team => ({
  id: r.id,
  name: r.name,
  description: r.description,
  createdAt: new Date(r.created_at).toISOString(),
  memberCount: r.member_count,
});

function teamQuery(db: DbOrTx) {
  return db
    .selectFrom('teams as t')
    .select(['t.id', 't.name', 't.description', 't.created_at', sql<number>`(select count(*)::int from team_members m where m.team_id = t.id)`.as('member_count')]);
}

export async function listTeams(db: DbOrTx): Promise<Team[]> {
  return (await teamQuery(db).orderBy(sql`lower(t.name)`).execute()).map(toTeam);
}

export async function findTeam(db: DbOrTx, id: string): Promise<Team | undefined> {
  const row = await teamQuery(db).where('t.id', '=', id).executeTakeFirst();
  return row && toTeam(row);
}

/** Creates a team; null when the name (whatever its case) is taken. */
export async function insertTeam(db: DbOrTx, t: { name: string; description: string; createdBy: string | null }): Promise<Team | null> {
  const row = await db
    .insertInto('teams')
    .values({ name: t.name, description: t.description, created_by: t.createdBy })
    .onConflict((oc) => oc.expression(sql`lower(name)`).doNothing())
    .returningAll()
    .executeTakeFirst();
  return row ? toTeam({ ...row, member_count: 0 }) : null;
}

/** Renames or redescribes a team; undefined when it does not exist, null when the new name is taken. */
export async function updateTeam(db: DbOrTx, id: string, patch: { name?: string; description?: string }): Promise<Team | null | undefined> {
  try {
    const row = await db
      .updateTable('teams')
      .set({ ...(patch.name === undefined ? {} : { name: patch.name }), ...(patch.description === undefined ? {} : { description: patch.description }) })
      .where('id', '=', id)
      .returning('id')
      .executeTakeFirst();
    return row ? findTeam(db, id) : undefined;
  } catch (e) {
    if ((e as { code?: string }).code === '23505') return null;
    throw e;
  }
}

export async function addMember(db: DbOrTx, teamId: string, userId: string, addedBy: string | null): Promise<boolean> {
  const row = await db
    .insertInto('team_members')
    .values({ team_id: teamId, user_id: userId, added_by: addedBy })
    .onConflict((oc) => oc.doNothing())
    .returning('user_id')
    .executeTakeFirst();
  return !!row;
}

export async function removeMember(db: DbOrTx, teamId: string, userId: string): Promise<boolean> {
  const row = await db.deleteFrom('team_members').where('team_id', '=', teamId).where('user_id', '=', userId).returning('user_id').executeTakeFirst();
  return !!row;
}

/** The members of a team, by email. */
export async function listMembers(db: DbOrTx, teamId: string) {
  const rows = await db
    .selectFrom('team_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email', 'u.name', 'u.role', 'm.added_at'])
    .where('m.team_id', '=', teamId)
    .orderBy('u.email')
    .execute();
  return rows.map((r) => ({ userId: r.id, email: r.email, name: r.name, role: r.role, addedAt: new Date(r.added_at).toISOString() }));
}

/** The team ids of one user (a viewer carries them already: `viewer.teamIds`). */
export async function teamIdsOfUser(db: DbOrTx, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('team_members').select('team_id').where('user_id', '=', userId).orderBy('team_id').execute();
  return rows.map((r) => r.team_id);
}

/** Which of `ids` are teams. */
export async function existingTeamIds(db: DbOrTx, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  const rows = await db.selectFrom('teams').select('id').where('id', 'in', ids).execute();
  return rows.map((r) => r.id);
}
