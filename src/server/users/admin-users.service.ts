import { z } from 'zod';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { safeText } from '../safe-input';
import { existingTeamIds } from '../teams/teams.repository';
import { ZRole } from './invitations.service';
import * as orgRepo from './organisation.repository';
import * as sessionRepo from './sessions.repository';
import { forgetTokenViewers } from './token-viewer-cache';
import * as tokenRepo from './tokens.repository';
import * as repo from './users.repository';
import { createAccount, toTokenInfo, ZEmail, ZPassword } from './users.service';
import type { Viewer } from './viewer';

type DbDeps = Pick<Deps, 'db'>;

export const ZListUsersInput = z.object({
  search: safeText(200).optional(),
  limit: z.number().int().min(1).max(200).default(50),
  offset: z.number().int().min(0).default(0),
});

export const ZCreateUserInput = z.object({
  email: ZEmail,
  name: safeText(100).optional(),
  /** The first password; its owner signs in with it. */
  password: ZPassword,
  role: ZRole.default('member'),
  teamIds: z.array(z.uuid()).max(50).default([]),
});

export const ZUpdateUserInput = z.object({ userId: z.uuid(), role: ZRole.optional(), disabled: z.boolean().optional() });

export async function listUsers({ db }: DbDeps, _admin: Viewer, q: z.infer<typeof ZListUsersInput>) {
  return repo.listUsers(db, q);
}

/** An admin creates an account directly, with its role and teams, whatever the sign-up setting. */
export async function createUser({ db }: DbDeps, admin: Viewer, input: z.infer<typeof ZCreateUserInput>) {
  const teams = await existingTeamIds(db, input.teamIds);
  const missing = input.teamIds.filter((t) => !teams.includes(t));
  if (missing.length) throw new AppError('NOT_FOUND', `teamIds: no team ${missing.join(', ')}`);
  const created = await createAccount(db, { email: input.email, name: input.name ?? null, password: input.password, role: input.role, teamIds: input.teamIds, addedBy: admin.id });
  if (!created) throw new AppError('CONFLICT', `${input.email} has an account already`);
  return created;
}

/**
 * Changes an account's role or disables it (a disabled account's sessions and tokens stop working
 * at once). The organisation keeps at least one active admin.
 */
export async function updateUser({ db }: DbDeps, _admin: Viewer, input: z.infer<typeof ZUpdateUserInput>) {
  const user = await repo.findUserById(db, input.userId);
  if (!user) throw new AppError('NOT_FOUND', `no user ${input.userId}`);
  const losesAdmin = user.role === 'admin' && ((input.role && input.role !== 'admin') || input.disabled === true);
  if (losesAdmin && (await repo.countOtherActiveAdmins(db, user.id)) === 0) {
    throw new AppError('CONFLICT', `${user.email} is the only active administrator; make someone else an administrator first`);
  }
  const updated = await repo.updateUser(db, user.id, { role: input.role, disabled: input.disabled });
  if (input.disabled) await sessionRepo.revokeSessionsOf(db, user.id);
  forgetTokenViewers();
  return { id: updated!.id, email: updated!.email, role: updated!.role, disabled: updated!.disabled_at !== null };
}

/** Every account's tokens (or one account's), for an admin to see and revoke. */
export async function listAllTokens({ db }: DbDeps, _admin: Viewer, q: { userId?: string; includeRevoked?: boolean }) {
  const rows = await tokenRepo.listTokens(db, { userId: q.userId, includeRevoked: q.includeRevoked, limit: 1000 });
  return rows.map((r) => ({ ...toTokenInfo(r), userId: r.user_id, email: r.email, revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null }));
}

export async function revokeAnyToken({ db }: DbDeps, _admin: Viewer, { id }: { id: string }) {
  const revoked = await tokenRepo.revokeToken(db, id);
  forgetTokenViewers();
  if (!revoked) throw new AppError('NOT_FOUND', `no active token ${id}`);
}

export const ZSignUpSettingsInput = z.object({
  open: z.boolean().optional(),
  /** Email domains whose addresses may sign up while sign-up is closed (e.g. example.com). */
  domains: z
    .array(z.string().trim().toLowerCase().regex(/^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'a domain such as example.com'))
    .max(50)
    .optional(),
});

export async function getSignUpSettings({ db }: DbDeps, _admin: Viewer) {
  const s = await orgRepo.getSettings(db);
  return { open: s.signup_open, domains: s.signup_domains, updatedAt: new Date(s.updated_at).toISOString() };
}

export async function updateSignUpSettings({ db }: DbDeps, admin: Viewer, input: z.infer<typeof ZSignUpSettingsInput>) {
  const s = await orgRepo.updateSettings(db, { signupOpen: input.open, signupDomains: input.domains && [...new Set(input.domains)] }, admin.id);
  return { open: s.signup_open, domains: s.signup_domains, updatedAt: new Date(s.updated_at).toISOString() };
}
