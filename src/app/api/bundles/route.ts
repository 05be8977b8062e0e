import type { NextRequest } from 'next/server';
import { runInAuditScope } from '@/server/audit/audit-scope';
import { assertSameOriginForSession, resolveViewer } from '@/server/api/context';
import { errorResponse } from '@/server/api/http-errors';
import { channelOf, REQUEST_ID_HEADER, requestIdOf } from '@/server/api/request-identity';
import { uploadBundle } from '@/server/bundles/bundles.service';
import { getDbDeps } from '@/server/deps';
import { AppError } from '@/server/errors';

export const dynamic = 'force-dynamic';

/**
 * POST /api/bundles: the raw body is a model folder as `.tar.gz` or `.zip`. Signed in by session
 * cookie or `Authorization: Bearer mgw_…`. Answers `{digest, sizeBytes, files, manifest?}`;
 * refusals are `{ error: { message, appCode, details? } }` with the HTTP status of the one error mapping.
 */
export async function POST(req: NextRequest) {
  const requestId = requestIdOf(req.headers);
  const headers = { [REQUEST_ID_HEADER]: requestId };
  try {
    const deps = getDbDeps();
    const viewer = await resolveViewer(deps, req);
    if (!viewer) throw new AppError('UNAUTHORIZED', 'sign in, or send an API token as "Authorization: Bearer mgw_…"');
    assertSameOriginForSession(req, viewer);
    if (!viewer.scopes.includes('register')) throw new AppError('FORBIDDEN', 'uploading a bundle needs the "register" scope (a token with it, or an account that may register models)');
    const body = req.body as unknown as AsyncIterable<Uint8Array> | null;
    const scope = { channel: channelOf(req.headers, viewer.auth.kind), requestId, procedure: 'POST /api/bundles', written: [] };
    const answer = await runInAuditScope(scope, () => uploadBundle(deps, viewer, { body }));
    return Response.json(answer, { status: 201, headers });
  } catch (e) {
    return errorResponse(e, headers);
  }
}

function methodNotAllowed(): Response {
  return Response.json(
    { error: { message: 'POST the model folder as a .tar.gz or .zip body to upload a bundle', appCode: 'INVALID_INPUT' } },
    { status: 405, headers: { allow: 'POST' } },
  );
}

export { methodNotAllowed as GET, methodNotAllowed as PUT, methodNotAllowed as PATCH, methodNotAllowed as DELETE };
