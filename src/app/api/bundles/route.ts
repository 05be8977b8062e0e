import type { NextRequest } from 'next/server';
import { onlyPost, signedInBodyPost } from '@/server/api/body-route';
import { uploadBundle } from '@/server/bundles/bundles.service';

export const dynamic = 'force-dynamic';

/**
 * POST /api/bundles: the raw body is a model folder as `.tar.gz` or `.zip`. Signed in by session
 * cookie or `Authorization: Bearer mgw_…`. Answers `{digest, sizeBytes, files, manifest?}`;
 * refusals are `{ error: { message, appCode, details? } }` with the HTTP status of the one error mapping.
 */
export function POST(req: NextRequest) {
  return signedInBodyPost(
    req,
    { procedure: 'POST /api/bundles', scope: 'register', refused: 'uploading a bundle needs the "register" scope (a token with it, or an account that may register models)' },
    (deps, viewer) => uploadBundle(deps, viewer, { body: req.body as unknown as AsyncIterable<Uint8Array> | null }),
  );
}

const methodNotAllowed = onlyPost('POST the model folder as a .tar.gz or .zip body to upload a bundle');
export { methodNotAllowed as GET, methodNotAllowed as PUT, methodNotAllowed as PATCH, methodNotAllowed as DELETE };
