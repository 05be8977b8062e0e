import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { z } from 'zod';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { safeText } from '../safe-input';
import * as repo from './users.repository';
import type { Viewer } from './viewer';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number) => Promise<Buffer>;

export const ZRegisterInput = z.object({
  email: z.email('enter a valid email address'),
  password: z.string().min(8, 'use a password of at least 8 characters').max(200),
  name: safeText(100).optional(),
});

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, 64);
  return `scrypt$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length);
  return timingSafeEqual(actual, expected);
}

function toViewer(u: { id: string; email: string; role: 'admin' | 'user' }): Viewer {
  return { id: u.id, email: u.email, role: u.role };
}

type DbDeps = Pick<Deps, 'db'>;

export async function registerUser({ db }: DbDeps, _viewer: Viewer | null, input: z.infer<typeof ZRegisterInput>): Promise<Viewer> {
  if (await repo.findUserByEmail(db, input.email)) {
    throw new AppError('CONFLICT', `an account for ${input.email} already exists; sign in instead`);
  }
  const user = await repo.insertUser(db, {
    email: input.email,
    name: input.name ?? null,
    passwordHash: await hashPassword(input.password),
  });
  return toViewer(user);
}

/** Null for a wrong email or password alike, so neither can be probed. */
export async function authenticate({ db }: DbDeps, _viewer: null, { email, password }: { email: string; password: string }): Promise<Viewer | null> {
  const user = await repo.findUserByEmail(db, email);
  if (!user?.password_hash) return null;
  return (await verifyPassword(password, user.password_hash)) ? toViewer(user) : null;
}

/** Signs in someone an identity provider vouched for, creating the account on first sight. */
export async function upsertExternalUser({ db }: DbDeps, _viewer: null, { email, name }: { email: string; name: string | null }): Promise<Viewer> {
  const user = (await repo.findUserByEmail(db, email)) ?? (await repo.insertUser(db, { email, name, passwordHash: null }));
  return toViewer(user);
}

/** The viewer a session names (helper of request authentication). */
export async function getViewer({ db }: DbDeps, id: string): Promise<Viewer | null> {
  const user = await repo.findUserById(db, id);
  return user ? toViewer(user) : null;
}

const TOKEN_PREFIX = 'mgw_';
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** The token is shown once; only its hash is stored. */
export async function createApiToken({ db }: DbDeps, viewer: Viewer, { name }: { name: string }) {
  const token = `${TOKEN_PREFIX}${randomBytes(24).toString('base64url')}`;
  const row = await repo.insertToken(db, { userId: viewer.id, name, hash: hashToken(token), prefix: token.slice(0, 10) });
  return { id: row.id, name: row.name, prefix: row.token_prefix, createdAt: new Date(row.created_at).toISOString(), token };
}

export async function listApiTokens({ db }: DbDeps, viewer: Viewer) {
  const rows = await repo.listTokens(db, viewer.id);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.token_prefix,
    createdAt: new Date(r.created_at).toISOString(),
    lastUsedAt: r.last_used_at ? new Date(r.last_used_at).toISOString() : null,
  }));
}

export async function revokeApiToken({ db }: DbDeps, viewer: Viewer, { id }: { id: string }): Promise<void> {
  if (!(await repo.revokeToken(db, viewer.id, id))) throw new AppError('NOT_FOUND', `no active token ${id} of yours`);
}

/** The viewer an API token names (helper of request authentication). */
export async function viewerFromToken({ db }: DbDeps, token: string): Promise<Viewer | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const user = await repo.findUserByTokenHash(db, hashToken(token));
  if (!user) return null;
  if (!user.last_used_at || Date.now() - new Date(user.last_used_at).getTime() > 60_000) {
    void repo.touchToken(db, user.token_id).catch(() => {});
  }
  return toViewer(user);
}
