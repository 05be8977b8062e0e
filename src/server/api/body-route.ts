import type { NextRequest } from 'next/server';
import { runInAuditScope } from '../audit/audit-scope';
import { getDbDeps, type Deps } from '../deps';
import { AppError } from '../errors';
import type { TokenScope, Viewer } from '../users/viewer';
import { assertSameOriginForSession, resolveViewer } from './context';
import { errorResponse } from './http-errors';
import { channelOf, REQUEST_ID_HEADER, requestIdOf } from './request-identity';

/**
 * A POST whose raw body is a file (a bundle, a file of molecules): the caller signed in by session
 * (from the gateway's own pages) or API token with `scope`, the work audited under `procedure`,
 * answered 201 with its JSON or with the one error mapping.
 */
export async function signedInBodyPost(
  req: NextRequest,
  o: { procedure: string; scope: TokenScope; refused: string },
  run: (deps: Pick<Deps, 'db'>, viewer: Viewer) => Promise<unknown>,
): Promise<Response> {
  const requestId = requestIdOf(req.headers);
  const headers = { [REQUEST_ID_HEADER]: requestId };
  try {
    const deps = getDbDeps();
    const viewer = await resolveViewer(deps, req);
    if (!viewer) throw new AppError('UNAUTHORIZED', 'sign in, or send an API token as "Authorization: Bearer mgw_…"');
    assertSameOriginForSession(req, viewer);
    if (!viewer.scopes.includes(o.scope)) throw new AppError('FORBIDDEN', o.refused);
    const scope = { channel: channelOf(req.headers, viewer.auth.kind), requestId, procedure: o.procedure, written: [] };
    const answer = await runInAuditScope(scope, () => run(deps, viewer));
    return Response.json(answer, { status: 201, headers });
  } catch (e) {
    return errorResponse(e, headers);
  }
}

/** What a raw-body route answers to any method but POST: a typed 405 saying how to call it. */
export function onlyPost(message: string): () => Response {
  return () => Response.json({ error: { message, appCode: 'INVALID_INPUT' } }, { status: 405, headers: { allow: 'POST' } });
}
