import { audit, type AuditActor } from '../audit/audit.service';
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { inTransaction, type DbOrTx } from '../db/client';
import type { Role, TokenScope } from '../db/types';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { safeText, safeName } from '../safe-input';
import { effectiveScopes, scopesForRole, TOKEN_SCOPES } from '../../shared/permissions';
import { signInThrottleSettings } from './auth-settings';
import { hashPassword, spendPasswordCheck, verifyPassword } from './passwords';
import * as repo from './users.repository';
import * as sessionRepo from './sessions.repository';
import * as throttle from './sign-in-throttle.repository';
import * as tokenRepo from './tokens.repository';
import { cachedTokenViewer, forgetTokenViewers, rememberTokenViewer } from './token-viewer-cache';
import type { Viewer, ViewerAuth } from './viewer';

export { hashPassword, verifyPassword };

export const ZEmail = z.email('enter a valid email address').max(320);
export const ZPassword = z.string().min(8, 'use a password of at least 8 characters').max(200);

export const ZRegisterInput = z.object({
  email: ZEmail,
  password: ZPassword,
  name: safeText(100).optional(),
});

type DbDeps = Pick<Deps, 'db'>;

type AccountRow = { id: string; email: string; role: Role; team_ids: string[] };

/** A viewer from an account: a token counts with its own scopes within the role's, anything else with the role's. */
export function toViewer(u: AccountRow, auth: ViewerAuth, tokenScopes?: readonly string[]): Viewer {
  return {
    id: u.id,
    email: u.email,
    role: u.role,
    teamIds: u.team_ids,
    scopes: tokenScopes ? effectiveScopes(u.role, tokenScopes) : [...scopesForRole(u.role)],
    auth,
  };
}

/**
 * Creates an account and its team memberships; null when the email has one already. The first
 * account of the organisation becomes admin whatever `role` says: the organisation row is locked
 * first, so concurrent first sign-ups cannot both become admin.
 */
export async function createAccount(
  db: DbOrTx,
  a: { email: string; name: string | null; password: string | null; role?: Role; teamIds?: string[]; addedBy?: string | null },
  hooks: {
    /** Runs under the lock before the insert: throw to refuse. */
    gate?: (tx: DbOrTx, o: { first: boolean; settings: Awaited<ReturnType<typeof repo.lockOrganisation>> }) => Promise<void>;
    /** Runs in the same transaction after the insert: throw to undo it. */
    after?: (tx: DbOrTx, user: { id: string }) => Promise<void>;
    /** Who creates the account, for its audit entry (none: a sign-up, made by the account itself). */
    actor?: AuditActor;
  } = {},
): Promise<{ id: string; email: string; role: Role } | null> {
  const passwordHash = a.password === null ? null : await hashPassword(a.password);
  return inTransaction(db, async (tx) => {
    const settings = await repo.lockOrganisation(tx);
    const first = (await repo.countUsers(tx)) === 0;
    await hooks.gate?.(tx, { first, settings });
    const user = await repo.insertUser(tx, { email: a.email, name: a.name, passwordHash, role: a.role });
    if (!user) return null;
    if (a.teamIds?.length) {
      await tx
        .insertInto('team_members')
        .values(a.teamIds.map((teamId) => ({ team_id: teamId, user_id: user.id, added_by: a.addedBy ?? null })))
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    await hooks.after?.(tx, user);
    // The set-up token made the first account possible; once there is one, it is spent.
    if (first) await tx.updateTable('organisation_settings').set({ setup_token_hash: null, setup_token_expires_at: null }).where('id', '=', true).execute();
    const made = { id: user.id, email: user.email, role: user.role };
    // Who made it: the admin who created or invited the account, else (a sign-up) the account itself.
    await audit(tx, hooks.actor ?? made, {
      action: hooks.actor ? 'user.create' : 'user.register',
      entity: { type: 'user', id: user.id },
      after: { email: user.email, role: user.role, teamIds: a.teamIds ?? [], first },
    });
    return made;
  });
}

/**
 * The trusted path to an account (tests, scripts, benchmarks): no sign-up policy. The first
 * account becomes admin. Users sign up through `signUp` (src/server/users/signup.service.ts).
 */
export async function registerUser({ db }: DbDeps, _viewer: Viewer | null, input: z.infer<typeof ZRegisterInput> & { role?: Role }): Promise<Viewer> {
  const created = await createAccount(db, { email: input.email, name: input.name ?? null, password: input.password, role: input.role });
  if (!created) throw new AppError('CONFLICT', `an account for ${input.email} already exists; sign in instead`);
  return (await getViewer({ db }, created.id))!;
}

function lockedMessage(until: Date): string {
  const minutes = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 60_000));
  return `too many failed sign-ins for this account or from this address; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/**
 * Checks an email and password. Null for a wrong email or password alike (the same time is spent
 * on both), so neither can be probed. Failures are counted per email and per address; past the
 * limits both are locked for a while (RATE_LIMITED), whether or not the email has an account.
 */
export async function authenticate(
  { db }: DbDeps,
  _viewer: null,
  { email, password, ip }: { email: string; password: string; ip?: string | null },
): Promise<Viewer | null> {
  const s = signInThrottleSettings();
  const emailKey = `email:${email.trim().toLowerCase()}`;
  const keys = ip ? [emailKey, `ip:${ip}`] : [emailKey];
  const locked = await throttle.lockedUntil(db, keys);
  if (locked) throw new AppError('RATE_LIMITED', lockedMessage(locked), { retryAfterSeconds: Math.ceil((locked.getTime() - Date.now()) / 1000) });
  const user = await repo.findUserByEmail(db, email.trim());
  const ok = user?.password_hash ? await verifyPassword(password, user.password_hash) : (await spendPasswordCheck(password), false);
  if (ok && user && !user.disabled_at) {
    await throttle.clearKey(db, emailKey);
    return (await getViewer({ db }, user.id))!;
  }
  const window = { windowMs: s.windowMs, lockoutMs: s.lockoutMs };
  await throttle.recordFailure(db, emailKey, { ...window, max: s.maxFailuresPerAccount });
  if (ip) await throttle.recordFailure(db, `ip:${ip}`, { ...window, max: s.maxFailuresPerAddress });
  if (Math.random() < 0.01) void throttle.pruneThrottle(db).catch(() => {});
  return null;
}

/** An account as an in-process caller (tests, scripts) acts for it; null when missing or disabled. */
export async function getViewer({ db }: DbDeps, id: string): Promise<Viewer | null> {
  const user = await repo.findActiveAccount(db, id);
  return user ? toViewer(user, { kind: 'internal' }) : null;
}

/** The viewer a live browser session names (helper of request authentication). */
export async function viewerFromSession({ db }: DbDeps, sessionId: string): Promise<Viewer | null> {
  if (!/^[0-9a-f-]{36}$/i.test(sessionId)) return null;
  const row = await sessionRepo.findAccountBySession(db, sessionId);
  if (!row) return null;
  if (Date.now() - new Date(row.last_seen_at).getTime() > 60_000) void sessionRepo.touchSession(db, sessionId).catch(() => {});
  return toViewer(row, { kind: 'session', sessionId });
}

const TOKEN_PREFIX = 'mgw_';
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export const ZCreateTokenInput = z.object({
  name: safeName(100, 'give the token a name'),
  /** What the token may do; by default read, run and register (those the role allows). */
  scopes: z.array(z.enum(TOKEN_SCOPES as [TokenScope, ...TokenScope[]])).min(1, 'choose at least one scope').max(4).optional(),
  /** Days until it stops working; none for a token that lasts until revoked. */
  expiresInDays: z.number().int().min(1).max(3650).nullable().optional(),
});

export interface ApiTokenInfo {
  id: string;
  name: string;
  prefix: string;
  scopes: TokenScope[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  expired: boolean;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function toTokenInfo(r: { id: string; name: string; token_prefix: string; scopes: TokenScope[]; created_at: Date; last_used_at?: Date | null; expires_at: Date | null }): ApiTokenInfo {
  return {
    id: r.id,
    name: r.name,
    prefix: r.token_prefix,
    scopes: r.scopes,
    createdAt: iso(r.created_at)!,
    lastUsedAt: iso(r.last_used_at ?? null),
    expiresAt: iso(r.expires_at),
    expired: !!r.expires_at && new Date(r.expires_at).getTime() <= Date.now(),
  };
}

/**
 * The token is shown once; only its hash is stored. It can do at most what its creator can:
 * a scope outside the caller's own is refused, so no token raises another's power.
 */
export async function createApiToken({ db }: DbDeps, viewer: Viewer, input: z.input<typeof ZCreateTokenInput>) {
  const { name, scopes: asked, expiresInDays } = ZCreateTokenInput.parse(input);
  const scopes = asked ?? viewer.scopes.filter((s) => s !== 'admin');
  const beyond = scopes.filter((s) => !viewer.scopes.includes(s));
  if (beyond.length) {
    throw new AppError('FORBIDDEN', `you cannot give a token the scope${beyond.length === 1 ? '' : 's'} ${beyond.join(', ')}: your account (${viewer.role}) may use only ${viewer.scopes.join(', ')}`);
  }
  const token = `${TOKEN_PREFIX}${randomBytes(24).toString('base64url')}`;
  const expiresAt = expiresInDays ? new Date(Date.now() + expiresInDays * 86_400_000) : null;
  const row = await tokenRepo.insertToken(db, { userId: viewer.id, name, hash: hashToken(token), prefix: token.slice(0, 10), scopes: [...new Set(scopes)], expiresAt });
  return { ...toTokenInfo({ ...row, last_used_at: null }), token };
}

export async function listApiTokens({ db }: DbDeps, viewer: Viewer): Promise<ApiTokenInfo[]> {
  return (await tokenRepo.listTokens(db, { userId: viewer.id })).map(toTokenInfo);
}

export async function revokeApiToken({ db }: DbDeps, viewer: Viewer, { id }: { id: string }): Promise<void> {
  const revoked = await tokenRepo.revokeToken(db, id, viewer.id);
  forgetTokenViewers();
  if (!revoked) throw new AppError('NOT_FOUND', `no active token ${id} of yours`);
}

/** The viewer an API token names (helper of request authentication): null when unknown, revoked, expired or its account disabled. */
export async function viewerFromToken({ db }: DbDeps, token: string): Promise<Viewer | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const hash = hashToken(token);
  const cached = cachedTokenViewer(hash);
  if (cached) return cached;
  const row = await tokenRepo.findAccountByTokenHash(db, hash);
  if (!row) return null;
  if (!row.last_used_at || Date.now() - new Date(row.last_used_at).getTime() > 60_000) {
    void tokenRepo.touchToken(db, row.token_id).catch(() => {});
  }
  const viewer = toViewer(row, { kind: 'token', tokenId: row.token_id }, row.scopes);
  rememberTokenViewer(hash, viewer, row.expires_at);
  return viewer;
}
