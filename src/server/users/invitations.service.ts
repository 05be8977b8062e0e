import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { existingTeamIds } from '../teams/teams.repository';
import { ROLES, type Role } from '../../shared/permissions';
import { DEFAULT_INVITATION_DAYS } from './auth-settings';
import * as repo from './invitations.repository';
import { hashSecret } from './signup.service';
import { findUserByEmail } from './users.repository';
import { ZEmail } from './users.service';
import type { Viewer } from './viewer';

type DbDeps = Pick<Deps, 'db'>;

export const ZRole = z.enum(ROLES as [Role, ...Role[]]);

export const ZCreateInvitationInput = z.object({
  email: ZEmail,
  role: ZRole.default('member'),
  teamIds: z.array(z.uuid()).max(50).default([]),
  expiresInDays: z.number().int().min(1).max(90).default(DEFAULT_INVITATION_DAYS),
});

/**
 * An invitation for one email: a link (shown once; only its hash is stored) that creates the
 * account with the role and teams given here, whatever the sign-up setting. Nothing is mailed:
 * the admin sends the link.
 */
export async function createInvitation({ db }: DbDeps, admin: Viewer, input: z.infer<typeof ZCreateInvitationInput>) {
  if (await findUserByEmail(db, input.email)) throw new AppError('CONFLICT', `${input.email} has an account already; add it to teams or change its role instead`);
  const teams = await existingTeamIds(db, input.teamIds);
  const missing = input.teamIds.filter((t) => !teams.includes(t));
  if (missing.length) throw new AppError('NOT_FOUND', `teamIds: no team ${missing.join(', ')}`);
  const token = `mgw_inv_${randomBytes(24).toString('base64url')}`;
  const row = await repo.insertInvitation(db, {
    email: input.email,
    role: input.role,
    teamIds: [...new Set(input.teamIds)],
    hash: hashSecret(token),
    invitedBy: admin.id,
    expiresAt: new Date(Date.now() + input.expiresInDays * 86_400_000),
  });
  return { id: row.id, email: row.email, role: row.role, expiresAt: new Date(row.expires_at).toISOString(), token, path: `/invite/${token}` };
}

export async function listInvitations({ db }: DbDeps, _admin: Viewer) {
  const rows = await repo.listInvitations(db);
  const now = Date.now();
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    role: r.role,
    teamIds: r.team_ids,
    invitedBy: r.invited_by_email,
    createdAt: new Date(r.created_at).toISOString(),
    expiresAt: new Date(r.expires_at).toISOString(),
    status: r.accepted_at ? 'accepted' : r.revoked_at ? 'revoked' : new Date(r.expires_at).getTime() <= now ? 'expired' : 'pending',
  }));
}

export async function revokeInvitation({ db }: DbDeps, _admin: Viewer, { id }: { id: string }) {
  if (!(await repo.revokeInvitation(db, id))) throw new AppError('NOT_FOUND', `no pending invitation ${id}`);
}
