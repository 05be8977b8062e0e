import { z } from 'zod';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { safeName, safeText } from '../safe-input';
import { findUserById } from '../users/users.repository';
import { forgetTokenViewers } from '../users/token-viewer-cache';
import type { Viewer } from '../users/viewer';
import * as repo from './teams.repository';

type DbDeps = Pick<Deps, 'db'>;

export const ZTeamName = safeName(80, 'name the team');
export const ZCreateTeamInput = z.object({ name: ZTeamName, description: safeText(500).default('') });
export const ZUpdateTeamInput = z.object({ teamId: z.uuid(), name: ZTeamName.optional(), description: safeText(500).optional() });
export const ZTeamMemberInput = z.object({ teamId: z.uuid(), userId: z.uuid() });

/** Every team's name, for choosing who to share a model with (any signed-in account may read them). */
export async function listTeams({ db }: DbDeps, _viewer: Viewer) {
  return (await repo.listTeams(db)).map(({ id, name, description, memberCount }) => ({ id, name, description, memberCount }));
}

/** Every team with its members, for the admin console. */
export async function listTeamsWithMembers({ db }: DbDeps, _admin: Viewer) {
  const teams = await repo.listTeams(db);
  return Promise.all(teams.map(async (t) => ({ ...t, members: await repo.listMembers(db, t.id) })));
}

const taken = (name: string) => new AppError('CONFLICT', `a team named "${name}" exists already; choose another name`);

export async function createTeam({ db }: DbDeps, admin: Viewer, input: z.infer<typeof ZCreateTeamInput>) {
  const team = await repo.insertTeam(db, { name: input.name, description: input.description, createdBy: admin.id });
  if (!team) throw taken(input.name);
  return team;
}

export async function updateTeam({ db }: DbDeps, _admin: Viewer, input: z.infer<typeof ZUpdateTeamInput>) {
  const team = await repo.updateTeam(db, input.teamId, { name: input.name, description: input.description });
  if (team === undefined) throw new AppError('NOT_FOUND', `no team ${input.teamId}`);
  if (team === null) throw taken(input.name!);
  return team;
}

async function teamAndUser({ db }: DbDeps, input: z.infer<typeof ZTeamMemberInput>) {
  const [team, user] = await Promise.all([repo.findTeam(db, input.teamId), findUserById(db, input.userId)]);
  if (!team) throw new AppError('NOT_FOUND', `no team ${input.teamId}`);
  if (!user) throw new AppError('NOT_FOUND', `no user ${input.userId}`);
  return { team, user };
}

/** Adds an account to a team: it sees the team's models from its next request. */
export async function addTeamMember(deps: DbDeps, admin: Viewer, input: z.infer<typeof ZTeamMemberInput>) {
  const { team } = await teamAndUser(deps, input);
  await repo.addMember(deps.db, team.id, input.userId, admin.id);
  forgetTokenViewers();
  return repo.listMembers(deps.db, team.id);
}

export async function removeTeamMember(deps: DbDeps, _admin: Viewer, input: z.infer<typeof ZTeamMemberInput>) {
  const { team, user } = await teamAndUser(deps, input);
  const removed = await repo.removeMember(deps.db, team.id, input.userId);
  forgetTokenViewers();
  if (!removed) throw new AppError('NOT_FOUND', `${user.email} is not in team ${team.name}`);
  return repo.listMembers(deps.db, team.id);
}
