import type { Deps } from '../deps';
import { AppError } from '../errors';
import * as repo from './sessions.repository';
import type { Viewer } from './viewer';

type DbDeps = Pick<Deps, 'db'>;

/** A browser session for an account that just signed in; the session cookie carries its id. */
export async function startSession({ db }: DbDeps, s: { userId: string; ip: string | null; userAgent: string | null; maxAgeSeconds: number }) {
  return repo.insertSession(db, {
    userId: s.userId,
    expiresAt: new Date(Date.now() + s.maxAgeSeconds * 1000),
    ip: s.ip?.slice(0, 100) ?? null,
    userAgent: s.userAgent?.slice(0, 300) ?? null,
  });
}

/** Signing out: the session's cookie stops working at once, wherever a copy of it is. */
export async function endSession({ db }: DbDeps, sessionId: string): Promise<void> {
  if (/^[0-9a-f-]{36}$/i.test(sessionId)) await repo.revokeSession(db, sessionId);
}

/** Ends every session of the viewer but the current one ("sign out everywhere else"). */
export async function endOtherSessions({ db }: DbDeps, viewer: Viewer): Promise<{ revoked: number }> {
  const current = viewer.auth.kind === 'session' ? viewer.auth.sessionId : null;
  const sessions = await repo.listSessionsOf(db, viewer.id);
  let revoked = 0;
  for (const s of sessions) if (s.id !== current && !s.revoked_at && (await repo.revokeSession(db, s.id))) revoked++;
  return { revoked };
}

export async function listMySessions({ db }: DbDeps, viewer: Viewer) {
  const current = viewer.auth.kind === 'session' ? viewer.auth.sessionId : null;
  const rows = await repo.listSessionsOf(db, viewer.id);
  return rows
    .filter((r) => !r.revoked_at && new Date(r.expires_at) > new Date())
    .map((r) => ({
      id: r.id,
      current: r.id === current,
      createdAt: new Date(r.created_at).toISOString(),
      lastSeenAt: new Date(r.last_seen_at).toISOString(),
      expiresAt: new Date(r.expires_at).toISOString(),
      ip: r.ip,
      userAgent: r.user_agent,
    }));
}

/** An admin ends every session of an account: its browsers are signed out on their next request. */
export async function revokeSessionsOf({ db }: DbDeps, _admin: Viewer, { userId }: { userId: string }): Promise<{ revoked: number }> {
  const exists = await db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
  if (!exists) throw new AppError('NOT_FOUND', `no user ${userId}`);
  return { revoked: await repo.revokeSessionsOf(db, userId) };
}
