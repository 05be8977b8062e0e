import type { DbOrTx } from '../db/client';
import type { GrantLevel } from '../db/types';

export interface Grant {
  id: string;
  level: GrantLevel;
  /** Exactly one of user and team. */
  user: { id: string; email: string } | null;
  team: { id: string; name: string } | null;
  createdBy: string | null;
  createdAt: string;
}

export async function listGrants(db: DbOrTx, modelId: string): Promise<Grant[]> {
  const rows = await db
    .selectFrom('model_grants as g')
    .leftJoin('users as u', 'u.id', 'g.user_id')
    .leftJoin('teams as t', 't.id', 'g.team_id')
    .leftJoin('users as by', 'by.id', 'g.created_by')
    .select(['g.id', 'g.level', 'g.user_id', 'u.email', 'g.team_id', 't.name as team_name', 'by.email as created_by', 'g.created_at'])
    .where('g.model_id', '=', modelId)
    .orderBy('g.created_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    level: r.level,
    user: r.user_id ? { id: r.user_id, email: r.email ?? '' } : null,
    team: r.team_id ? { id: r.team_id, name: r.team_name ?? '' } : null,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

/** Grants (or changes the level of) access to one user or one team. */
export async function upsertGrant(db: DbOrTx, g: { modelId: string; userId?: string; teamId?: string; level: GrantLevel; createdBy: string }): Promise<string> {
  const values = { model_id: g.modelId, user_id: g.userId ?? null, team_id: g.teamId ?? null, level: g.level, created_by: g.createdBy };
  const row = await db
    .insertInto('model_grants')
    .values(values)
    .onConflict((oc) =>
      (g.userId ? oc.columns(['model_id', 'user_id']).where('user_id', 'is not', null) : oc.columns(['model_id', 'team_id']).where('team_id', 'is not', null)).doUpdateSet({
        level: g.level,
        created_by: g.createdBy,
        created_at: new Date(),
      }),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findGrant(db: DbOrTx, id: string) {
  return db.selectFrom('model_grants').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function deleteGrant(db: DbOrTx, id: string): Promise<boolean> {
  const row = await db.deleteFrom('model_grants').where('id', '=', id).returning('id').executeTakeFirst();
  return !!row;
}
