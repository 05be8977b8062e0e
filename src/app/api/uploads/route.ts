import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { NextRequest } from 'next/server';
import { onlyPost, signedInBodyPost } from '@/server/api/body-route';
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
export function POST(req: NextRequest) {
  return signedInBodyPost(
    req,
    { procedure: 'POST /api/uploads', scope: 'run', refused: 'uploading a file to screen needs the "run" scope (a token with it, or an account that may run models)' },
    (deps, viewer) => {
      const query = Object.fromEntries([...req.nextUrl.searchParams.entries()].filter(([, v]) => v !== ''));
      if (!query.filename) throw new AppError('INVALID_INPUT', 'filename: name the file in the query, e.g. ?filename=library.csv.gz (its extension gives the format)', { field: 'filename' });
      const parsed = ZReceiveUploadInput.safeParse(query);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new AppError('INVALID_INPUT', `${issue.path.join('.') || 'query'}: ${issue.message}`, { field: issue.path.join('.') });
      }
      const body = req.body ? Readable.fromWeb(req.body as unknown as WebReadableStream<Uint8Array>) : null;
      return receiveUpload(deps, viewer, { ...parsed.data, body });
    },
  );
}

const methodNotAllowed = onlyPost('POST the file as the body, with ?filename=…, to upload molecules');
export { methodNotAllowed as GET, methodNotAllowed as PUT, methodNotAllowed as PATCH, methodNotAllowed as DELETE };
