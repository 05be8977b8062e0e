import { getToken } from 'next-auth/jwt';
import type { NextRequest } from 'next/server';
import { getServerDeps } from '../deps';
import { AppError, toAppError } from '../errors';
import { viewerFromSession, viewerFromToken } from '../users/users.service';
import type { Viewer } from '../users/viewer';
import { channelOf, requestIdOf } from './request-identity';
import { isSameOrigin, requestInfo } from './request-info';
import { toTRPCError, type Context } from './trpc';

/**
 * Resolves a Bearer token or a next-auth session cookie to a viewer, on every request: the cookie
 * names a session row, which must be live (not signed out, not revoked by an admin, not expired).
 */
export async function resolveViewer(deps: Pick<Context, 'db'>, req: NextRequest): Promise<Viewer | null> {
  const auth = req.headers.get('authorization');
  if (auth?.toLowerCase().startsWith('bearer ')) return viewerFromToken(deps, auth.slice(7).trim());
  const token = await getToken({ req, secret: process.env.NEXTAUTH_SECRET });
  return typeof token?.sid === 'string' ? viewerFromSession(deps, token.sid) : null;
}

/**
 * For plain route handlers that change something: a session cookie sent from another site's page
 * is refused, as tRPC mutations refuse it (src/server/api/trpc.ts).
 */
export function assertSameOriginForSession(req: Request, viewer: Viewer | null): void {
  if (viewer?.auth.kind === 'session' && !isSameOrigin(req.headers)) {
    throw new AppError('FORBIDDEN', "a change made with a session cookie must come from this gateway's own pages; this request came from another site (its Origin does not match)");
  }
}

export async function createContext(req: NextRequest, requestId = requestIdOf(req.headers)): Promise<Context> {
  try {
    const deps = await getServerDeps();
    const viewer = await resolveViewer(deps, req);
    return { ...deps, viewer, request: requestInfo(req.headers), channel: channelOf(req.headers, viewer?.auth.kind ?? null), requestId };
  } catch (e) {
    // A database that is down answers 503 UNAVAILABLE here too, through the one mapping.
    throw toTRPCError(toAppError(e));
  }
}
