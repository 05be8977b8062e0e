import { sql, type RawBuilder } from 'kysely';
import type { ViewerLike } from '../../shared/permissions';

/**
 * The SQL side of src/shared/permissions.ts, over a query whose models table is aliased `m`.
 * `modelAccess` decides for one model; lists filter with `visibleModels`, which must admit exactly
 * the models `modelAccess` gives at least `view` (visibility.int.test.ts holds them together).
 */

const NO_ONE = '00000000-0000-0000-0000-000000000000';

const teamsOf = (viewer: ViewerLike) => sql`${sql.val([...(viewer.teamIds ?? [])])}::uuid[]`;

/** Whether the viewer may see model `m`: admins all; everyone built-ins and organisation models; owners, team members and grantees the rest. */
export function visibleModels(viewer: ViewerLike | null | undefined, alias = 'm'): RawBuilder<boolean> {
  if (!viewer) return sql<boolean>`false`;
  if (viewer.role === 'admin') return sql<boolean>`true`;
  const m = sql.ref(alias);
  return sql<boolean>`(
    ${m}.built_in
    or ${m}.visibility = 'organisation'
    or ${m}.owner_id = ${viewer.id}
    or (${m}.visibility = 'team' and ${m}.team_id = any(${teamsOf(viewer)}))
    or exists (select 1 from model_grants g where g.model_id = ${m}.id and (g.user_id = ${viewer.id} or g.team_id = any(${teamsOf(viewer)})))
  )`;
}

/** The highest grant the viewer holds on model `m` (directly or through a team), or null. */
export function viewerGrant(viewer: ViewerLike | null | undefined, alias = 'm'): RawBuilder<'view' | 'run' | 'maintain' | null> {
  const m = sql.ref(alias);
  return sql<'view' | 'run' | 'maintain' | null>`(
    select g.level from model_grants g
    where g.model_id = ${m}.id and (g.user_id = ${viewer?.id ?? NO_ONE} or g.team_id = any(${viewer ? teamsOf(viewer) : sql`'{}'::uuid[]`}))
    order by case g.level when 'maintain' then 3 when 'run' then 2 else 1 end desc
    limit 1
  )`;
}
