import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { NextRequest } from 'next/server';
import { resolveViewer } from '@/server/api/context';
import { toTRPCError } from '@/server/api/trpc';
import { uploadBundle } from '@/server/bundles/bundles.service';
import { getDbDeps } from '@/server/deps';
import { AppError, toAppError } from '@/server/errors';

export const dynamic = 'force-dynamic';

/**
 * POST /api/bundles: the raw body is a model folder as `.tar.gz` or `.zip`. Signed in by session
 * cookie or `Authorization: Bearer mgw_…`. Answers `{digest, sizeBytes, files, manifest?}`;
 * refusals are `{error, appCode}` with the HTTP status of the one error mapping.
 */
export async function POST(req: NextRequest) {
  try {
    const deps = getDbDeps();
    const viewer = await resolveViewer(deps, req);
    if (!viewer) throw new AppError('UNAUTHORIZED', 'sign in, or send an API token as "Authorization: Bearer mgw_…"');
    const body = req.body as unknown as AsyncIterable<Uint8Array> | null;
    return Response.json(await uploadBundle(deps, viewer, { body }), { status: 201 });
  } catch (e) {
    const err = toAppError(e);
    if (err.code === 'INTERNAL') console.error('[bundles] upload failed:', e);
    const message = err.code === 'INTERNAL' ? 'something went wrong on the gateway; try again, and tell its operators if it persists' : err.message;
    return Response.json({ error: message, appCode: err.code, ...(err.details ? { details: err.details } : {}) }, { status: getHTTPStatusCodeFromError(toTRPCError(err)) });
  }
}
