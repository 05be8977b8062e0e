import { getToken } from 'next-auth/jwt';
import type { NextRequest } from 'next/server';
import { getServerDeps } from '../deps';
import { toAppError } from '../errors';
import { getViewer, viewerFromToken } from '../users/users.service';
import type { Viewer } from '../users/viewer';
import { channelOf, requestIdOf } from './request-identity';
import { toTRPCError, type Context } from './trpc';

/** How a request authenticated: a Bearer token, a session cookie, or neither. */
export async function authenticateRequest(deps: Pick<Context, 'db'>, req: NextRequest): Promise<{ viewer: Viewer | null; auth: 'session' | 'token' | null }> {
  const header = req.headers.get('authorization');
  if (header?.toLowerCase().startsWith('bearer ')) return { viewer: await viewerFromToken(deps, header.slice(7).trim()), auth: 'token' };
  const token = await getToken({ req, secret: process.env.NEXTAUTH_SECRET });
  const viewer = token?.sub ? await getViewer(deps, token.sub) : null;
  return { viewer, auth: viewer ? 'session' : null };
}

/** Resolves a Bearer token or a next-auth session cookie to a user. */
export async function resolveViewer(deps: Pick<Context, 'db'>, req: NextRequest): Promise<Viewer | null> {
  return (await authenticateRequest(deps, req)).viewer;
}

export async function createContext(req: NextRequest, requestId = requestIdOf(req.headers)): Promise<Context> {
  try {
    const deps = await getServerDeps();
    const { viewer, auth } = await authenticateRequest(deps, req);
    return { ...deps, viewer, channel: channelOf(req.headers, auth), requestId };
  } catch (e) {
    // A database that is down answers 503 UNAVAILABLE here too, through the one mapping.
    throw toTRPCError(toAppError(e));
  }
}
