import { getToken } from 'next-auth/jwt';
import type { NextRequest } from 'next/server';
import { getServerDeps } from '../deps';
import { toAppError } from '../errors';
import { getViewer, viewerFromToken } from '../users/users.service';
import type { Viewer } from '../users/viewer';
import { toTRPCError, type Context } from './trpc';

/** Resolves a Bearer token or a next-auth session cookie to a user. */
export async function resolveViewer(deps: Pick<Context, 'db'>, req: NextRequest): Promise<Viewer | null> {
  const auth = req.headers.get('authorization');
  if (auth?.toLowerCase().startsWith('bearer ')) return viewerFromToken(deps, auth.slice(7).trim());
  const token = await getToken({ req, secret: process.env.NEXTAUTH_SECRET });
  return token?.sub ? getViewer(deps, token.sub) : null;
}

export async function createContext(req: NextRequest): Promise<Context> {
  try {
    const deps = await getServerDeps();
    return { ...deps, viewer: await resolveViewer(deps, req), channel: 'api' };
  } catch (e) {
    // A database that is down answers 503 UNAVAILABLE here too, through the one mapping.
    throw toTRPCError(toAppError(e));
  }
}
