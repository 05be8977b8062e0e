import { z } from 'zod';
import type { DbOrTx } from '../db/client';
import type { ModelVisibility } from '../db/types';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { existingTeamIds } from '../teams/teams.repository';
import { findUserByEmail } from '../users/users.repository';
import type { Viewer } from '../users/viewer';

import * as grants from './grants.repository';
import * as repo from './models.repository';
import { editableModel, noSuchModel } from './models.service';
import { ZSlug } from './models.schema';
import { ZGrantLevel, ZModelAccessInput } from './versions.schema';
import type { ModelSummary } from './models.types';

type DbDeps = Pick<Deps, 'db'>;


export const ZCreateGrantInput = z
  .object({
    slug: ZSlug,
    userEmail: z.email('enter the email of an account').optional(),
    teamId: z.uuid().optional(),
    level: ZGrantLevel,
  })
  .refine((g) => !!g.userEmail !== !!g.teamId, { message: 'grant to one user (userEmail) or one team (teamId)', path: ['userEmail'] });

/**
 * Checks who a model would be visible to: a `team` model needs its team, and a model can be given
 * only to a team its owner belongs to (any team, for an admin).
 */
export async function checkAccessSettings(db: DbOrTx, viewer: Viewer, a: { visibility: ModelVisibility; teamId: string | null }): Promise<void> {
  if (a.teamId) {
    if (!(await existingTeamIds(db, [a.teamId])).length) throw new AppError('NOT_FOUND', `teamId: no team ${a.teamId}`);
    if (viewer.role !== 'admin' && !viewer.teamIds.includes(a.teamId)) throw new AppError('FORBIDDEN', 'teamId: you can give a model only to a team you belong to');
  }
  if (a.visibility === 'team' && !a.teamId) throw new AppError('INVALID_INPUT', 'teamId: a model visible to a team needs its team; choose one of yours');
}

/**
 * Changes who may see a model (visibility and owning team) and its promotion policy. Those who
 * maintain it may tighten the policy; only an administrator may loosen it, or the policy would
 * bind nobody.
 */
export async function updateModelAccess({ db }: DbDeps, viewer: Viewer, input: z.infer<typeof ZModelAccessInput>): Promise<ModelSummary> {
  const model = await editableModel(db, viewer, input.slug);
  if (model.builtIn) throw new AppError('INVALID_INPUT', `"${model.slug}" is a built-in model: every account may see and run it`);
  const visibility = input.visibility ?? model.visibility;
  const teamId = input.teamId === undefined ? model.teamId : input.teamId;
  await checkAccessSettings(db, viewer, { visibility, teamId });
  if (input.productionRequiresApproval === false && model.productionRequiresApproval && viewer.role !== 'admin') {
    throw new AppError('FORBIDDEN', `only an administrator can lift the promotion policy of "${model.slug}"`);
  }
  await repo.updateModelAccess(db, model.id, { visibility, teamId, productionRequiresApproval: input.productionRequiresApproval });
  return (await repo.findModelById(db, model.id, viewer))!;
}

/** Who the model is shared with beyond its visibility (those who maintain it may read this). */
export async function listGrants({ db }: DbDeps, viewer: Viewer, { slug }: { slug: string }) {
  const model = await editableModel(db, viewer, slug);
  return grants.listGrants(db, model.id);
}

/** Shares a model with one account or one team, at view, run or maintain (changing the level of an existing grant). */
export async function createGrant({ db }: DbDeps, viewer: Viewer, input: z.infer<typeof ZCreateGrantInput>) {
  const model = await editableModel(db, viewer, input.slug);
  if (model.builtIn) throw new AppError('INVALID_INPUT', `"${model.slug}" is a built-in model: every account may see and run it`);
  let userId: string | undefined;
  if (input.userEmail) {
    const user = await findUserByEmail(db, input.userEmail);
    if (!user) throw new AppError('NOT_FOUND', `userEmail: no account for ${input.userEmail}; invite them first`);
    userId = user.id;
  } else if (!(await existingTeamIds(db, [input.teamId!])).length) {
    throw new AppError('NOT_FOUND', `teamId: no team ${input.teamId}`);
  }
  await grants.upsertGrant(db, { modelId: model.id, userId, teamId: input.teamId, level: input.level, createdBy: viewer.id });
  return grants.listGrants(db, model.id);
}

export async function revokeGrant({ db }: DbDeps, viewer: Viewer, { grantId }: { grantId: string }) {
  const grant = await grants.findGrant(db, grantId);
  const model = grant && (await repo.findModelById(db, grant.model_id, viewer));
  if (!grant || !model || model.access === 'none') throw new AppError('NOT_FOUND', `no grant ${grantId} visible to you`);
  await editableModel(db, viewer, model.slug);
  if (!(await grants.deleteGrant(db, grantId))) throw await noSuchModel(db, viewer, model.slug);
  return grants.listGrants(db, model.id);
}
