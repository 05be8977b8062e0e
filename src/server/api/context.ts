import { getToken } from 'next-auth/jwt';
import type { NextRequest } from 'next/server';
import { getServerDeps } from '../deps';
import { getViewer, viewerFromToken } from '../users/users.service';
import type { Viewer } from '../users/viewer';
import type { Context } from './trpc';

/** Resolves a Bearer token or a next-auth session cookie to a user. */
export async function resolveViewer(req: NextRequest): Promise<Viewer | null> {
  const { db } = getServerDeps();
  const auth = req.headers.get('authorization');
  if (auth?.toLowerCase().startsWith('bearer ')) return viewerFromToken(db, auth.slice(7).trim());
  const token = await getToken({ req, secret: process.env.NEXTAUTH_SECRET });
  return token?.sub ? getViewer(db, token.sub) : null;
}

export async function createContext(req: NextRequest): Promise<Context> {
  return { ...getServerDeps(), viewer: await resolveViewer(req) };
}
