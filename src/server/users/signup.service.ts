import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { DbOrTx } from '../db/client';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { safeText } from '../safe-input';
import { SETUP_TOKEN_HOURS } from './auth-settings';
import * as invitations from './invitations.repository';
import * as orgRepo from './organisation.repository';
import { spendPasswordCheck } from './passwords';
import * as repo from './users.repository';
import { createAccount, getViewer, ZEmail, ZPassword } from './users.service';
import type { Viewer } from './viewer';

type DbDeps = Pick<Deps, 'db'>;

export const hashSecret = (token: string) => createHash('sha256').update(token).digest('hex');

export const ZSignUpInput = z.object({
  email: ZEmail.optional(),
  password: ZPassword,
  name: safeText(100).optional(),
  /** The token of an invitation link: its email, role and teams are used. */
  invitation: z.string().min(10).max(200).optional(),
  /** The one-time set-up token `npm start` prints, for the first (admin) account. */
  setupToken: z.string().min(10).max(200).optional(),
});
export type TSignUpInput = z.infer<typeof ZSignUpInput>;

const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase();

/** Who may sign up now, as the sign-in page shows it. Nothing here depends on any email. */
export type SignUpMode = 'setup' | 'open' | 'domains' | 'closed';

export async function signUpOptions({ db }: DbDeps, _viewer: Viewer | null): Promise<{ mode: SignUpMode; domains: string[] }> {
  const [settings, users] = await Promise.all([orgRepo.getSettings(db), repo.countUsers(db)]);
  if (users === 0) return { mode: 'setup', domains: [] };
  if (settings.signup_open) return { mode: 'open', domains: [] };
  return settings.signup_domains.length ? { mode: 'domains', domains: settings.signup_domains } : { mode: 'closed', domains: [] };
}

function mayOpenlySignUp(settings: { signup_open: boolean; signup_domains: string[] }, email: string): boolean {
  return settings.signup_open || settings.signup_domains.includes(domainOf(email));
}

const CLOSED = 'sign-up is closed on this gateway; ask an administrator for an invitation';

/** The first account needs the set-up token when one is pending (npm start prints it). */
function checkSetupToken(settings: { setup_token_hash: string | null; setup_token_expires_at: Date | null }, given: string | undefined): void {
  if (!settings.setup_token_hash) return;
  const valid = !!given && hashSecret(given) === settings.setup_token_hash && (!settings.setup_token_expires_at || new Date(settings.setup_token_expires_at) > new Date());
  if (!valid) {
    throw new AppError('FORBIDDEN', 'this gateway has no administrator yet: create the first account with the one-time set-up token that `npm start` printed (or the file setup-token in its data folder)');
  }
}

/**
 * Self-service sign-up. The first account becomes the admin (with the set-up token when one is
 * pending). After that an account needs an invitation, open sign-up, or an email at an allowed
 * domain. The answer is the same whether or not the email already has an account: an existing
 * account is left unchanged, and the same password work is spent.
 */
export async function signUp({ db }: DbDeps, _viewer: Viewer | null, input: TSignUpInput): Promise<{ ok: true; email: string }> {
  if (input.invitation) return acceptInvitation({ db }, input.invitation, input);
  if (!input.email) throw new AppError('INVALID_INPUT', 'email: enter a valid email address');
  const email = input.email;
  const created = await createAccount(db, { email, name: input.name ?? null, password: input.password }, {
    gate: async (_tx, { first, settings }) => {
      if (first) return checkSetupToken(settings, input.setupToken);
      if (!mayOpenlySignUp(settings, email)) throw new AppError('FORBIDDEN', settings.signup_domains.length ? `${CLOSED}, or use an address at ${settings.signup_domains.join(', ')}` : CLOSED);
    },
  });
  if (!created) await spendPasswordCheck(input.password);
  return { ok: true, email: email.toLowerCase() };
}

async function acceptInvitation({ db }: DbDeps, token: string, input: TSignUpInput): Promise<{ ok: true; email: string }> {
  const invitation = await invitations.findOpenInvitationByHash(db, hashSecret(token));
  const gone = new AppError('NOT_FOUND', 'this invitation link is not valid any more (used, revoked or expired); ask an administrator for a new one');
  if (!invitation) throw gone;
  const created = await createAccount(
    db,
    { email: invitation.email, name: input.name ?? null, password: input.password, role: invitation.role, teamIds: invitation.team_ids, addedBy: invitation.invited_by },
    {
      // In the account's transaction: two acceptances of one link cannot both create an account.
      after: async (tx, user) => {
        if (!(await invitations.markAccepted(tx, invitation.id, user.id))) throw gone;
      },
    },
  );
  if (!created) throw new AppError('CONFLICT', `${invitation.email} has an account already; sign in with it`);
  return { ok: true, email: created.email };
}

/** What an invitation link offers, for its page; NOT_FOUND when it cannot be used. */
export async function describeInvitation({ db }: DbDeps, _viewer: Viewer | null, { token }: { token: string }) {
  const i = await invitations.findOpenInvitationByHash(db, hashSecret(token));
  if (!i) throw new AppError('NOT_FOUND', 'this invitation link is not valid any more (used, revoked or expired); ask an administrator for a new one');
  const teams = i.team_ids.length ? await db.selectFrom('teams').select('name').where('id', 'in', i.team_ids).orderBy('name').execute() : [];
  return { email: i.email, role: i.role, teams: teams.map((t) => t.name), expiresAt: new Date(i.expires_at).toISOString() };
}

/**
 * Signs in someone an identity provider vouched for. An existing account signs in; a new one is
 * created under the same policy as sign-up (an invitation for that email, open sign-up or an
 * allowed domain; the first account only through the set-up token, never through the provider).
 */
export async function upsertExternalUser({ db }: DbDeps, _viewer: null, { email, name }: { email: string; name: string | null }): Promise<Viewer> {
  const existing = await repo.findUserByEmail(db, email);
  if (existing) {
    if (existing.disabled_at) throw new AppError('FORBIDDEN', 'this account is disabled; ask an administrator');
    return (await getViewer({ db }, existing.id))!;
  }
  const invitation = await invitations.findOpenInvitationByEmail(db, email);
  const created = await createAccount(
    db,
    { email, name, password: null, role: invitation?.role, teamIds: invitation?.team_ids, addedBy: invitation?.invited_by },
    {
      gate: async (_tx, { first, settings }) => {
        if (first) throw new AppError('FORBIDDEN', 'this gateway has no administrator yet: create the first account with the set-up token');
        if (!invitation && !mayOpenlySignUp(settings, email)) throw new AppError('FORBIDDEN', CLOSED);
      },
      after: async (tx, user) => {
        if (invitation && !(await invitations.markAccepted(tx, invitation.id, user.id))) throw new AppError('FORBIDDEN', CLOSED);
      },
    },
  );
  const user = created ?? (await repo.findUserByEmail(db, email));
  if (!user) throw new AppError('FORBIDDEN', CLOSED);
  return (await getViewer({ db }, user.id))!;
}

/**
 * While the organisation has no account, a fresh one-time set-up token (the previous one stops
 * working); null once it has one. `npm start` prints it.
 */
export async function issueSetupToken(db: DbOrTx): Promise<string | null> {
  if ((await repo.countUsers(db)) > 0) {
    await orgRepo.setSetupToken(db, null, null);
    return null;
  }
  const token = `mgw_setup_${randomBytes(24).toString('base64url')}`;
  await orgRepo.setSetupToken(db, hashSecret(token), new Date(Date.now() + SETUP_TOKEN_HOURS * 3_600_000));
  return token;
}

/** A new installation's sign-up setting from the environment (GATEWAY_OPEN_SIGNUP=1), before its first account. */
export async function applyInitialSignUpSetting(db: DbOrTx, open: boolean): Promise<void> {
  if (open && (await repo.countUsers(db)) === 0) await orgRepo.updateSettings(db, { signupOpen: true }, null);
}
