import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { NextRequest } from 'next/server';
import { runInAuditScope } from '@/server/audit/audit-scope';
import { assertSameOriginForSession, resolveViewer } from '@/server/api/context';
import { errorResponse } from '@/server/api/http-errors';
import { channelOf, REQUEST_ID_HEADER, requestIdOf } from '@/server/api/request-identity';
import { getDbDeps } from '@/server/deps';
import { AppError } from '@/server/errors';
import { receiveUpload } from '@/server/uploads/uploads.service';
import { ZReceiveUploadInput } from '@/server/uploads/uploads.schema';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * POST /api/uploads?filename=…&format=…&smilesColumn=…&idColumn=…: the raw body is a file of
 * molecules (CSV, TSV, SMILES or SDF, optionally gzipped), read as it streams, never buffered.
 * Signed in by session cookie or `Authorization: Bearer mgw_…` with the "run" scope. Answers
 * `{uploadId, rowsTotal, rowsBad, format, …}` (201); refusals are `{ error: { message, appCode } }`.
 */
export async function POST(req: NextRequest) {
  const requestId = requestIdOf(req.headers);
  const headers = { [REQUEST_ID_HEADER]: requestId };
  try {
    const deps = getDbDeps();
    const viewer = await resolveViewer(deps, req);
    if (!viewer) throw new AppError('UNAUTHORIZED', 'sign in, or send an API token as "Authorization: Bearer mgw_…"');
    assertSameOriginForSession(req, viewer);
    if (!viewer.scopes.includes('run')) throw new AppError('FORBIDDEN', 'uploading a file to screen needs the "run" scope (a token with it, or an account that may run models)');
    const query = Object.fromEntries([...req.nextUrl.searchParams.entries()].filter(([, v]) => v !== ''));
    if (!query.filename) throw new AppError('INVALID_INPUT', 'filename: name the file in the query, e.g. ?filename=library.csv.gz (its extension gives the format)', { field: 'filename' });
    const parsed = ZReceiveUploadInput.safeParse(query);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppError('INVALID_INPUT', `${issue.path.join('.') || 'query'}: ${issue.message}`, { field: issue.path.join('.') });
    }
    const body = req.body ? Readable.fromWeb(req.body as unknown as WebReadableStream<Uint8Array>) : null;
    const scope = { channel: channelOf(req.headers, viewer.auth.kind), requestId, procedure: 'POST /api/uploads', written: [] };
    const answer = await runInAuditScope(scope, () => receiveUpload(deps, viewer, { ...parsed.data, body }));
    return Response.json(answer, { status: 201, headers });
  } catch (e) {
    return errorResponse(e, headers);
  }
}

function methodNotAllowed(): Response {
  return Response.json(
    { error: { message: 'POST the file as the body, with ?filename=…, to upload molecules', appCode: 'INVALID_INPUT' } },
    { status: 405, headers: { allow: 'POST' } },
  );
}

export { methodNotAllowed as GET, methodNotAllowed as PUT, methodNotAllowed as PATCH, methodNotAllowed as DELETE };
